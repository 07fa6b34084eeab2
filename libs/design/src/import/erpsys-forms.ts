import { JsonSchema } from '../model';
import { FixtureIndex, type FixtureRow, str } from './erpsys-rows';

/** erpsys DataItem `field_type` → JSON Schema (reference §1.3, §1.5). Unlisted types become strings. */
const SIMPLE_TYPES: Record<string, JsonSchema> = {
  CharField: { type: 'string' },
  TextField: { type: 'string' },
  IntegerField: { type: 'integer' },
  DecimalField: { type: 'number' },
  BooleanField: { type: 'boolean' },
  DateTimeField: { type: 'string', format: 'date-time' },
  DateField: { type: 'string', format: 'date' },
  TimeField: { type: 'string', format: 'time' },
};

/** Seed labels of a dictionary data item (`init_content` = `[{"中文名称": "..."}, ...]`), deduplicated. */
function seedLabels(item: FixtureRow | undefined): string[] {
  const raw = str(item, 'init_content');
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const labels: string[] = [];
  for (const entry of parsed) {
    if (typeof entry !== 'object' || entry === null) continue;
    const value = (entry as Record<string, unknown>)['中文名称'] ?? (entry as Record<string, unknown>)['label'];
    if (typeof value === 'string' && value.length > 0 && !labels.includes(value)) labels.push(value);
  }
  return labels;
}

function fieldSchema(index: FixtureIndex, item: FixtureRow): JsonSchema {
  const fieldType = str(item, 'field_type') ?? '';
  const title = str(item, 'label') ?? str(item, 'name') ?? '';
  if (fieldType === 'TypeField') {
    // The dictionary is the item itself (a dict model such as 客户来源) or the type it points to.
    const target = index.get('design.dataitem', item.fields.business_type);
    const labels = seedLabels(item).length > 0 ? seedLabels(item) : seedLabels(target);
    const scalar: JsonSchema =
      labels.length > 0
        ? { type: 'string', enum: labels }
        : { type: 'string', 'x-ref': str(target, 'name') ?? str(item, 'name') };
    return item.fields.is_multivalued === true ? { title, type: 'array', items: scalar } : { title, ...scalar };
  }
  const schema: JsonSchema = { title, ...(SIMPLE_TYPES[fieldType] ?? { type: 'string' }) };
  const maxLength = item.fields.max_length;
  if (fieldType === 'CharField' && typeof maxLength === 'number' && maxLength > 0) schema.maxLength = maxLength;
  const defaultValue = str(item, 'default_value');
  if (fieldType === 'BooleanField' && (defaultValue === 'True' || defaultValue === 'False')) {
    schema.default = defaultValue === 'True';
  }
  return schema;
}

/**
 * Build the form (JSON Schema, draft 2020-12 subset) of a business-record model from the erpsys design layer:
 * the data item (implement_type `Model`) → its `design.dataitemconsists` children ordered by (`order`, pk) →
 * one property per child, keyed by the child's `name`, with `title` = its label. Field types:
 * CharField → string (+maxLength), TextField → string, IntegerField → integer, DecimalField → number,
 * BooleanField → boolean (+default), DateTimeField/DateField/TimeField → string with format
 * date-time/date/time, TypeField → string with `enum` = the dictionary's seed labels when it has some
 * (else `x-ref` = the referenced type name), multivalued TypeField → array; anything else → string.
 * The schema also carries `x-order` (the property keys in field order, since JSON stores may reorder keys)
 * and `additionalProperties: false`.
 *
 * @param index the fixture rows.
 * @param dataItemPk pk of the record model's `design.dataitem`.
 * @returns the schema, or null when the item is missing, is a `Log` (no fields) or is not a `Model`.
 * @see reference/erpsys-original.md §1.3 (DataItem), §1.5 (generated record models).
 */
export function buildRecordForm(index: FixtureIndex, dataItemPk: unknown): JsonSchema | null {
  const item = index.get('design.dataitem', dataItemPk);
  if (!item || str(item, 'implement_type') !== 'Model') return null;
  const children = index
    .of('design.dataitemconsists')
    .filter((row) => row.fields.data_item === item.pk)
    .sort((a, b) => {
      const byOrder = Number(a.fields.order ?? 0) - Number(b.fields.order ?? 0);
      return byOrder !== 0 ? byOrder : Number(a.pk) - Number(b.pk);
    });
  const properties: Record<string, JsonSchema> = {};
  const order: string[] = [];
  for (const link of children) {
    const child = index.get('design.dataitem', link.fields.sub_data_item);
    const name = str(child, 'name');
    if (!child || !name || order.includes(name)) continue;
    Object.defineProperty(properties, name, { value: fieldSchema(index, child), enumerable: true, writable: true });
    order.push(name);
  }
  return {
    type: 'object',
    title: str(item, 'label') ?? str(item, 'name'),
    properties,
    'x-order': order,
    additionalProperties: false,
  };
}
