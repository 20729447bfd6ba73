import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';

/**
 * What the edge answers a visitor, built once and written by whichever server took the request:
 * fastify's reply on its routes, node:http's response on the tracking listener (tracking-listener.ts).
 */
export interface VisitorAnswer {
  status: number;
  /** Lower-case names, content-length included. */
  headers: Record<string, string>;
  body: string | Buffer | undefined;
}

export function sendAnswer(reply: FastifyReply, answer: VisitorAnswer): FastifyReply {
  return reply.code(answer.status).headers(answer.headers).send(answer.body);
}

export function writeAnswer(response: ServerResponse, answer: VisitorAnswer): void {
  response.writeHead(answer.status, answer.headers).end(answer.body);
}
