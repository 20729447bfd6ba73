/**
 * The script a lander includes for direct (no-redirect) tracking:
 *   <script src="https://TRACKER/t.js" data-campaign="CAMPAIGN_KEY" async></script>
 * It records the visit once (through /v/{campaign}, with the page's own URL parameters and referrer),
 * keeps the click id in a first-party cookie on the lander's domain, exposes it as `window.waypost`,
 * and points the lander's offer links at /lp/click: links already aimed at `/lp/click`, and links
 * marked `data-waypost-offer` (its value is the offer number on multi-offer landers).
 * A visitor who arrived through a Waypost redirect already has `clickid` in the URL: no second click.
 */
export const DIRECT_TRACKING_SCRIPT = `(function () {
  var script = document.currentScript;
  if (!script) return;
  var src = new URL(script.src, location.href);
  var base = src.origin + src.pathname.replace(/\\/t\\.js$/, '');
  var campaign = script.getAttribute('data-campaign') || src.searchParams.get('c');
  var page = new URLSearchParams(location.search);
  var cookie = /(?:^|;\\s*)wp_cid=([0-9a-z]{29})/.exec(document.cookie);
  var known = page.get('clickid') || (cookie && cookie[1]);

  function rewriteLinks(clickId) {
    var links = document.querySelectorAll('a[href*="/lp/click"], a[data-waypost-offer]');
    for (var i = 0; i < links.length; i++) {
      var link = links[i];
      var n = link.getAttribute('data-waypost-offer');
      var target = n ? base + '/lp/click' + (/^[0-9]+$/.test(n) ? '/' + n : '') : link.href;
      var url = new URL(target, location.href);
      url.searchParams.set('clickid', clickId);
      link.href = url.toString();
    }
  }

  function ready(clickId) {
    document.cookie = 'wp_cid=' + clickId + '; path=/; max-age=7776000; samesite=lax';
    window.waypost = { clickId: clickId };
    var apply = function () { rewriteLinks(clickId); };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', apply); else apply();
    if (typeof CustomEvent === 'function') window.dispatchEvent(new CustomEvent('waypost:click', { detail: { clickId: clickId } }));
  }

  if (/^[0-9a-z]{29}$/.test(known || '')) return ready(known);
  if (!campaign) return;
  var query = new URLSearchParams(location.search);
  query.set('wp_referrer', document.referrer);
  query.set('wp_page', location.href);
  fetch(base + '/v/' + encodeURIComponent(campaign) + '?' + query.toString(), { credentials: 'include' })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (body) { if (body && body.clickId) ready(body.clickId); })
    .catch(function () {});
})();
`;
