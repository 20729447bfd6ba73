/** The one time a generated admin key is shown; it is stored only as a hash. */
export function apiKeysBanner(secret: string): string {
  return [
    '',
    '  A first admin API key was generated. It is shown only this once; keep it somewhere safe:',
    '',
    `    ${secret}`,
    '',
    '  Use it as "Authorization: Bearer <key>". Create more with: npm run api-key -- create --name <name>',
    '',
  ].join('\n');
}
