#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { createApiKey } from './api/api-keys.js';
import { API_KEY_ROLES, type ApiKeyRole } from './domain/api-key.js';
import { ConfigError } from './config.js';
import { openRuntime } from './cli/open-runtime.js';
import { seedDemo } from './cli/seed-demo.js';
import { start } from './cli/start.js';

const USAGE = `Usage: waypost <command>

  start [--demo]                         run Waypost (edge, api and worker roles in embedded mode);
                                         --demo also creates the demo campaign and prints its click URL
  migrate                                apply pending database migrations
  seed-demo                              create the demo setup and print its click URL
  api-key create [--name N] [--role R]   create an admin API key (role admin or read) and print it once

Configuration comes from WAYPOST_* environment variables; see the README.`;

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { demo: { type: 'boolean', default: false }, name: { type: 'string' }, role: { type: 'string', default: 'admin' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, subcommand] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  switch (command) {
    case 'start':
      return start(process.env, { demo: values.demo });
    case 'migrate': {
      const { store, applied } = await openRuntime(process.env);
      process.stdout.write(applied.length ? `Applied migrations: ${applied.join(', ')}\n` : 'The database is up to date; nothing to apply.\n');
      return store.close();
    }
    case 'seed-demo': {
      const { store, config } = await openRuntime(process.env);
      const demo = await seedDemo(store, config);
      process.stdout.write(`Demo campaign ${demo.created ? 'created' : 'already present'}: "${demo.campaign.name}"\nClick URL: ${demo.clickUrl}\n`);
      return store.close();
    }
    case 'api-key': {
      if (subcommand !== 'create') throw new UsageError('api-key takes the subcommand "create"');
      if (!(API_KEY_ROLES as readonly string[]).includes(values.role)) throw new UsageError(`--role must be one of ${API_KEY_ROLES.join(', ')}`);
      const { store } = await openRuntime(process.env);
      const { key, secret } = await createApiKey(store, values.name ?? 'cli key', values.role as ApiKeyRole);
      process.stdout.write(`Created ${key.role} API key #${key.id} "${key.name}". It is shown only this once:\n${secret}\n`);
      return store.close();
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof UsageError) {
    process.stderr.write(`waypost: ${error.message}\n${error instanceof UsageError ? `\n${USAGE}\n` : ''}`);
    process.exit(2);
  }
  if (error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`waypost: ${error.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  process.stderr.write(`waypost: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
