import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { designHash, parseNativeDesign, serializeNativeDesign } from '../import/native';
import { mergeDesigns } from '../merge/merge-designs';
import { DesignDocument, feelInputExpression } from '../model';
import { validateDesign } from './validate-design';

/** The decks and services of reference decks.md §4 (plus the service the network deck allows). */
const DECKS_YAML = `
schemaVersion: 1
name: decks
decks:
  - { key: ops, id: 1, label: Operations, handlers: [ops.crc32, ops.hash, ops.merge], concurrency: 16 }
  - { key: hardware, id: 2, label: Hardware, handlers: [device.command] }
  - { key: storage, id: 3, label: Storage, handlers: [storage.read],
      retry: { attempts: 3, backoff: { type: exponential, delayMs: 1000, jitter: 0.5 } } }
  - { key: network, id: 4, label: Network, handlers: [net.http], allow: { services: [web_request] } }
services:
  - { key: crc_check, label: CRC check, kind: system,
      automation: { route: [3, 1, 2, 0], input: { file: "=form.file" }, resultVar: crc_result } }
  - key: fan_in
    label: Fan-out/fan-in
    kind: system
    automation:
      dag:
        output: "=nodes.E"
        nodes:
          - { key: A, deck: 3, handler: storage.read }
          - { key: B, deck: 1, handler: ops.hash, after: [A] }
          - { key: C, deck: 1, handler: ops.crc32, after: [A] }
          - { key: D, route: [3, 1], after: [A] }
          - { key: E, deck: 1, handler: ops.merge, after: [B, C, D] }
  - key: web_request
    label: Web request
    kind: system
    automation:
      input: { url: "https://example.org/", retries: 2 }
      route:
        - { deck: network, handler: net.http, input: { body: "=form.body" }, timeoutMs: 5000 }
        - { deck: ops, retry: { attempts: 2 } }
        - { deck: execution }
`;

type Doc = Record<string, unknown> & { decks: Array<Record<string, unknown>>; services: Array<Svc> };
type Svc = Record<string, unknown> & { automation?: Record<string, unknown> };

/** A fresh raw copy of {@link DECKS_YAML} to break. */
function raw(): Doc {
  return parse(DECKS_YAML) as Doc;
}

/** The automation of service `key` in a raw document. */
function automationOf(doc: Doc, key: string): Record<string, unknown> {
  const automation = doc.services.find((s) => s.key === key)?.automation;
  if (!automation) throw new Error(`no automation on ${key}`);
  return automation;
}

/** Fan-in DAG nodes of a raw document (`services[1].automation.dag.nodes`). */
function nodes(doc: Doc): Array<Record<string, unknown>> {
  return (automationOf(doc, 'fan_in').dag as { nodes: Array<Record<string, unknown>> }).nodes;
}

/** The issues of an invalid document as `[path, code]`. */
function issuesOf(doc: unknown): Array<[string, string]> {
  const result = validateDesign(doc);
  if (result.ok) return [];
  return result.issues.map((i) => [i.path, i.code]);
}

/** The one issue with `code`; fails when there is none or more than one. */
function theIssue(doc: unknown, code: string) {
  const result = validateDesign(doc);
  expect(result.ok).toBe(false);
  const found = result.ok ? [] : result.issues.filter((i) => i.code === code);
  expect(found, JSON.stringify(result.ok ? [] : result.issues)).toHaveLength(1);
  return found[0];
}

describe('decks and automation: valid designs', () => {
  it('accepts the route [3, 1, 2, 0] and fills the defaults', () => {
    const doc = parseNativeDesign(DECKS_YAML);
    expect(doc.decks.map((d) => [d.key, d.id, d.concurrency])).toEqual([
      ['ops', 1, 16],
      ['hardware', 2, 4],
      ['storage', 3, 4],
      ['network', 4, 4],
    ]);
    expect(doc.decks[0]).toMatchObject({
      retry: { attempts: 1, backoff: { type: 'fixed', delayMs: 1000, jitter: 0 } },
      timeoutMs: null,
      allow: null,
    });
    expect(doc.decks[2].retry).toEqual({ attempts: 3, backoff: { type: 'exponential', delayMs: 1000, jitter: 0.5 } });
    expect(doc.services[0].automation).toEqual({
      route: [3, 1, 2, 0],
      input: { file: '=form.file' },
      resultVar: 'crc_result',
      publish: 'program',
    });
    // A step's own retry policy is complete after parsing.
    const route = doc.services[2].automation?.route;
    expect(route?.[1]).toEqual({
      deck: 'ops',
      retry: { attempts: 2, backoff: { type: 'fixed', delayMs: 1000, jitter: 0 } },
    });
  });

  it('accepts the fan-out/fan-in DAG A → (B, C, D) → E', () => {
    const doc = parseNativeDesign(DECKS_YAML);
    const dag = doc.services[1].automation?.dag;
    expect(dag?.output).toBe('=nodes.E');
    expect(dag?.nodes.map((n) => [n.key, n.after])).toEqual([
      ['A', []],
      ['B', ['A']],
      ['C', ['A']],
      ['D', ['A']],
      ['E', ['B', 'C', 'D']],
    ]);
    expect(dag?.nodes[3].route).toEqual([3, 1]);
  });

  it('gives services without automation null and documents without decks []', () => {
    const doc = DesignDocument.parse({
      schemaVersion: 1,
      name: 'n',
      services: [{ key: 's', label: 'S', kind: 'system' }],
    });
    expect(doc.decks).toEqual([]);
    expect(doc.services[0].automation).toBeNull();
  });

  it('reads `=…` input values as FEEL expressions and anything else as literals', () => {
    expect(feelInputExpression('=form.file')).toBe('form.file');
    expect(feelInputExpression('form.file')).toBeNull();
    expect(feelInputExpression(3)).toBeNull();
    expect(feelInputExpression({ x: '=a' })).toBeNull();
  });
});

describe('decks and automation: schema codes', () => {
  it('automation_shape: a route and a dag, or neither', () => {
    const both = raw();
    automationOf(both, 'crc_check').dag = { nodes: [{ key: 'A', deck: 1 }] };
    expect(theIssue(both, 'automation_shape').path).toBe('services[0].automation.dag');
    const neither = raw();
    delete automationOf(neither, 'crc_check').route;
    expect(theIssue(neither, 'automation_shape').path).toBe('services[0].automation');
  });

  it('dag_node_target: a node with a deck and a route, with neither, or a route with a handler', () => {
    const doc = raw();
    nodes(doc)[0].route = [3];
    delete nodes(doc)[1].deck;
    delete nodes(doc)[1].handler;
    nodes(doc)[3].handler = 'ops.hash';
    expect(issuesOf(doc).filter(([, code]) => code === 'dag_node_target')).toEqual([
      ['services[1].automation.dag.nodes[0].route', 'dag_node_target'],
      ['services[1].automation.dag.nodes[1]', 'dag_node_target'],
      ['services[1].automation.dag.nodes[3].handler', 'dag_node_target'],
    ]);
  });

  it('refuses malformed handler names, deck ids out of range and unknown members', () => {
    const doc = raw();
    doc.decks[0].handlers = ['Ops.CRC'];
    doc.decks[1].id = 0;
    automationOf(doc, 'crc_check').route = [3, 100];
    automationOf(doc, 'web_request').colour = 'red';
    expect(issuesOf(doc)).toEqual(
      expect.arrayContaining([
        ['decks[0].handlers[0]', 'invalid_format'],
        ['decks[1].id', 'too_small'],
        ['services[0].automation.route[1]', 'too_big'],
        ['services[2].automation', 'unrecognized_keys'],
      ]),
    );
  });
});

describe('decks and automation: semantic codes', () => {
  it('automation_not_system: automation on a manual service', () => {
    const doc = raw();
    doc.services[0].kind = 'manual';
    const issue = theIssue(doc, 'automation_not_system');
    expect(issue.path).toBe('services[0].automation');
    expect(issue.message).toContain('"crc_check"');
  });

  it('unknown_deck: by id in a route, by key in a step and a node', () => {
    const doc = raw();
    automationOf(doc, 'crc_check').route = [3, 7, 0];
    (automationOf(doc, 'web_request').route as Array<Record<string, unknown>>)[1].deck = 'gpu';
    nodes(doc)[0].deck = 'tape';
    expect(issuesOf(doc)).toEqual([
      ['services[0].automation.route[1]', 'unknown_deck'],
      ['services[1].automation.dag.nodes[0].deck', 'unknown_deck'],
      ['services[2].automation.route[1].deck', 'unknown_deck'],
    ]);
  });

  it('deck_zero_not_last: 0 or execution before the last step, or as a node deck', () => {
    const doc = raw();
    automationOf(doc, 'crc_check').route = [3, 0, 1];
    (automationOf(doc, 'web_request').route as unknown[]).unshift({ deck: 'execution' });
    nodes(doc)[0].deck = 0;
    delete nodes(doc)[0].handler;
    expect(issuesOf(doc)).toEqual([
      ['services[0].automation.route[1]', 'deck_zero_not_last'],
      ['services[1].automation.dag.nodes[0].deck', 'deck_zero_not_last'],
      ['services[2].automation.route[0].deck', 'deck_zero_not_last'],
    ]);
  });

  it('empty_route: a route of only the execution deck', () => {
    const doc = raw();
    automationOf(doc, 'crc_check').route = [0];
    expect(issuesOf(doc)).toEqual([['services[0].automation.route', 'empty_route']]);
  });

  it('duplicate_deck_id, duplicate deck keys and the reserved key execution', () => {
    const doc = raw();
    doc.decks.push({ key: 'ops2', id: 1, label: 'More ops', handlers: ['ops.crc32'] });
    doc.decks.push({ key: 'ops', id: 5, label: 'Ops again', handlers: ['ops.crc32'] });
    doc.decks.push({ key: 'execution', id: 6, label: 'Mine', handlers: ['ops.done'] });
    expect(issuesOf(doc)).toEqual([
      ['decks[5].key', 'duplicate_key'],
      ['decks[4].id', 'duplicate_deck_id'],
      ['decks[6].key', 'reserved_key'],
    ]);
    expect(theIssue(doc, 'duplicate_deck_id').message).toContain('decks[0]');
  });

  it('unknown_handler: on a step, on a node, and any handler on the execution deck', () => {
    const doc = raw();
    const route = automationOf(doc, 'web_request').route as Array<Record<string, unknown>>;
    route[0].handler = 'net.ftp';
    route[2].handler = 'ops.merge';
    nodes(doc)[4].handler = 'storage.read';
    expect(issuesOf(doc)).toEqual([
      ['services[1].automation.dag.nodes[4].handler', 'unknown_handler'],
      ['services[2].automation.route[0].handler', 'unknown_handler'],
      ['services[2].automation.route[2].handler', 'unknown_handler'],
    ]);
  });

  it('deck_not_allowed and allow.services naming no service', () => {
    const doc = raw();
    automationOf(doc, 'crc_check').route = [4, 1];
    doc.decks[3].allow = { services: ['web_request', 'ftp'] };
    expect(issuesOf(doc)).toEqual([
      ['decks[3].allow.services[1]', 'unknown_reference'],
      ['services[0].automation.route[0]', 'deck_not_allowed'],
    ]);
  });

  it('DAG references: duplicate node keys, unknown_node, a node after itself', () => {
    const doc = raw();
    nodes(doc)[4].after = ['B', 'Z', 'D'];
    nodes(doc)[2].after = ['C'];
    nodes(doc).push({ key: 'B', deck: 1 });
    expect(issuesOf(doc)).toEqual([
      ['services[1].automation.dag.nodes[5].key', 'duplicate_key'],
      ['services[1].automation.dag.nodes[2].after[0]', 'dag_self_dependency'],
      ['services[1].automation.dag.nodes[4].after[1]', 'unknown_node'],
    ]);
  });

  it('dag_cycle: reported once, at the after entry of its first node that closes it', () => {
    const doc = raw();
    nodes(doc)[0].after = ['E']; // A → B/C/D → E → A
    const issue = theIssue(doc, 'dag_cycle');
    expect(issue.path).toBe('services[1].automation.dag.nodes[0].after[0]');
    expect(issue.message).toContain('A → B → E → A');
  });

  it('dag_cycle: the two-node cycle A → B → A, and nodes that only follow it are not reported', () => {
    const doc = raw();
    automationOf(doc, 'fan_in').dag = {
      nodes: [
        { key: 'A', deck: 1, after: ['B'] },
        { key: 'B', deck: 1, after: ['A'] },
        { key: 'C', deck: 1, after: ['B'] },
        { key: 'S', deck: 3 },
      ],
    };
    const issue = theIssue(doc, 'dag_cycle');
    expect(issue.path).toBe('services[1].automation.dag.nodes[0].after[0]');
    expect(issue.message).toBe('service "fan_in": the dag has a cycle: A → B → A');
  });

  it('dag_cycle: each of two separate cycles once', () => {
    const doc = raw();
    automationOf(doc, 'fan_in').dag = {
      nodes: [
        { key: 'S', deck: 3 },
        { key: 'X', deck: 1, after: ['S', 'Z'] },
        { key: 'Y', deck: 1, after: ['X'] },
        { key: 'Z', deck: 1, after: ['Y'] },
        { key: 'P', deck: 1, after: ['Q'] },
        { key: 'Q', deck: 1, after: ['P'] },
      ],
    };
    const result = validateDesign(doc);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => [i.path, i.message])).toEqual([
      ['services[1].automation.dag.nodes[1].after[1]', 'service "fan_in": the dag has a cycle: X → Y → Z → X'],
      ['services[1].automation.dag.nodes[4].after[0]', 'service "fan_in": the dag has a cycle: P → Q → P'],
    ]);
  });

  it('invalid_expression: automation input, step input, node input and the dag output', () => {
    const doc = raw();
    automationOf(doc, 'crc_check').input = { file: '=form.file', bad: "=__import__('os')", 'odd-name': '=1 +' };
    const route = automationOf(doc, 'web_request').route as Array<Record<string, unknown>>;
    route[0].input = { body: '=constructor' };
    nodes(doc)[1].input = { x: '=' };
    (automationOf(doc, 'fan_in').dag as Record<string, unknown>).output = '=nodes.[';
    const paths = issuesOf(doc)
      .filter(([, code]) => code === 'invalid_expression')
      .map(([path]) => path);
    expect([...new Set(paths)]).toEqual([
      'services[0].automation.input.bad',
      'services[0].automation.input["odd-name"]',
      'services[1].automation.dag.nodes[1].input.x',
      'services[1].automation.dag.output',
      'services[2].automation.route[0].input.body',
    ]);
    // Literal values are not checked, nested values are literals.
    automationOf(doc, 'crc_check').input = { file: 'form.file', nested: { x: '=)' } };
    route[0].input = { body: 'plain' };
    nodes(doc)[1].input = { x: 1 };
    (automationOf(doc, 'fan_in').dag as Record<string, unknown>).output = 'E';
    expect(validateDesign(doc).ok).toBe(true);
  });
});

describe('decks and automation: native format and merge', () => {
  it('round-trips: YAML → parse → serialize → parse gives an equal document', () => {
    const doc = parseNativeDesign(DECKS_YAML);
    const text = serializeNativeDesign(doc);
    expect(text).toContain('decks:');
    expect(text).toContain('automation:');
    const again = parseNativeDesign(text);
    expect(again).toEqual(doc);
    expect(designHash(again)).toBe(designHash(doc));
  });

  it('merges decks by key and carries automations with their services', () => {
    const current = parseNativeDesign(DECKS_YAML);
    const incoming = DesignDocument.parse({
      schemaVersion: 1,
      name: 'next',
      decks: [
        { key: 'ops', id: 1, label: 'Operations', handlers: ['ops.crc32', 'ops.hash', 'ops.merge', 'ops.sum'] },
        { key: 'gpu', id: 5, label: 'GPU', handlers: ['gpu.render'] },
      ],
      services: [{ key: 'crc_check', label: 'CRC check', kind: 'system', automation: { route: [5, 1] } }],
    });
    const merged = mergeDesigns(current, incoming);
    expect(merged.decks.map((d) => [d.key, d.handlers.length])).toEqual([
      ['ops', 4],
      ['hardware', 1],
      ['storage', 1],
      ['network', 1],
      ['gpu', 1],
    ]);
    expect(merged.services[0].automation?.route).toEqual([5, 1]);
    expect(merged.services[1].automation?.dag?.nodes).toHaveLength(5);
    expect(validateDesign(merged).ok).toBe(true);
  });

  it('merges onto a document stored before decks existed', () => {
    const stored = JSON.parse(JSON.stringify(DesignDocument.parse({ schemaVersion: 1, name: 'old' }))) as Record<
      string,
      unknown
    >;
    delete stored.decks;
    const merged = mergeDesigns(stored as DesignDocument, parseNativeDesign(DECKS_YAML));
    expect(merged.decks.map((d) => d.key)).toEqual(['ops', 'hardware', 'storage', 'network']);
    expect(validateDesign(merged).ok).toBe(true);
  });
});
