import type { Kysely } from 'kysely';

/** A traffic channel's API integration names its channel, so the channel can show it and its actions find it. */
export function channelIntegrationsMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('integrations').addColumn('traffic_channel_id', 'integer', (c) => c.references('traffic_channels.id')).execute();
      await db.schema.createIndex('integrations_traffic_channel').on('integrations').column('traffic_channel_id').execute();
    },
  };
}
