import { createServer } from 'node:http';

/**
 * The baseline of the benchmarks: a bare `node:http` server answering every request the same way —
 * a fixed 302 (`BARE_ANSWER=redirect`, the redirect bench) or a 200 with a short text body
 * (`BARE_ANSWER=ok`, as Waypost answers an accepted postback). Prints its port once listening.
 */
const LOCATION = 'https://offer.example/land?cid=0123456789abcdefghijklmnopq&s1=zone&geo=US';
const BODY = 'accepted: conversion created\n';
const answerOk = process.env.BARE_ANSWER === 'ok';

const server = createServer((_request, response) => {
  if (answerOk) {
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(BODY) });
    response.end(BODY);
  } else {
    response.writeHead(302, { location: LOCATION, 'content-length': '0' });
    response.end();
  }
});
server.keepAliveTimeout = 30_000;
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`listening ${address.port}\n`);
});
const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
