import { createServer } from 'node:http';

/**
 * The baseline of the redirect benchmark: a bare `node:http` server answering every request with the
 * same 302, the most a Node process on this machine can do for a redirect. Prints its port once listening.
 */
const LOCATION = 'https://offer.example/land?cid=0123456789abcdefghijklmnopq&s1=zone&geo=US';

const server = createServer((_request, response) => {
  response.writeHead(302, { location: LOCATION, 'content-length': '0' });
  response.end();
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
