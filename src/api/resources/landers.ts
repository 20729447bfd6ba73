import { landerInputSchema, type Lander, type LanderInput } from '../../domain/lander.js';
import { defineResource } from '../resource.js';
import { entityMetaShape } from './entity-meta-schema.js';

export const landerResponseSchema = landerInputSchema.extend(entityMetaShape).meta({ id: 'Lander' });

export const landersResource = defineResource<LanderInput, Lander>({
  path: 'landers',
  noun: 'lander',
  inputSchema: landerInputSchema,
  responseSchema: landerResponseSchema,
  repository: (store) => store.landers,
  present: (lander) => lander,
});
