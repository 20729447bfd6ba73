import { conversionTypeInputSchema, type ConversionType, type ConversionTypeInput } from '../../domain/conversion-type.js';
import { defineResource } from '../resource.js';
import { entityMetaShape } from './entity-meta-schema.js';

export const conversionTypeResponseSchema = conversionTypeInputSchema.extend(entityMetaShape).meta({ id: 'ConversionType' });

export const conversionTypesResource = defineResource<ConversionTypeInput, ConversionType>({
  path: 'conversion-types',
  noun: 'conversion type',
  inputSchema: conversionTypeInputSchema,
  responseSchema: conversionTypeResponseSchema,
  repository: (store) => store.conversionTypes,
  present: (type) => type,
});
