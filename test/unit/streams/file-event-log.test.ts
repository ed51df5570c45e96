// The file-backed event log: alarms replay by id across a hub restart, ids never come back (memory-only
// events included), a torn last line is skipped, and the file is trimmed to its bound.
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventHub } from '../../../api/streams/event-hub.ts';
import { FileEventLog } from '../../../api/streams/file-event-log.ts';

describe('FileEventLog with EventHub', () => {
  let dir: string;
  const opened: FileEventLog[] = [];
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'k14-stream-log-'));
  });
  afterEach(() => {
    for (const log of opened.splice(0)) log.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function open(options: { maxEvents?: number; historyLimit?: number; idBlockSize?: number } = {}) {
    const log = new FileEventLog({ dir, maxEvents: options.maxEvents ?? 100 });
    log.start();
    opened.push(log);
    const hub = new EventHub({ persistence: log, historyLimit: options.historyLimit ?? 100, idBlockSize: options.idBlockSize ?? 10, logger: { error: () => {} } });
    return { log, hub };
  }

  it('replays alarms by id after a restart and continues ids above every id issued before', () => {
    const first = open();
    first.hub.publish('alarms', 'raised', { alarmId: 'a1' });
    for (let i = 0; i < 25; i += 1) first.hub.publish('samples:r1', 'sample', { i });
    first.hub.publish('alarms', 'cleared', { alarmId: 'a1' });
    const lastBefore = first.hub.lastEventId;
    first.log.stop();

    const second = open();
    const replay = second.hub.since(0, ['alarms']);
    expect(replay.complete).toBe(true);
    expect(replay.events.map((e) => [e.id, e.type, e.data])).toEqual([
      [1, 'raised', { alarmId: 'a1' }],
      [27, 'cleared', { alarmId: 'a1' }],
    ]);
    expect(second.hub.since(1, ['alarms']).events.map((e) => e.id)).toEqual([27]);
    // Samples were memory-only and are gone: whatever a client had seen, it refetches state.
    expect(second.hub.since(lastBefore, ['samples:r1'])).toEqual({ events: [], complete: false });
    expect(second.hub.since(second.hub.lastEventId, ['samples:r1'])).toEqual({ events: [], complete: true });
    expect(second.hub.publish('samples:r1', 'sample', {}).id).toBeGreaterThan(lastBefore);
  });

  it('never reissues an id that only a memory-only event had', () => {
    const first = open({ idBlockSize: 10 });
    for (let i = 0; i < 15; i += 1) first.hub.publish('water', 'kpi', { i });
    first.log.stop();
    const second = open();
    expect(second.hub.publish('water', 'kpi', {}).id).toBeGreaterThan(15);
  });

  it('skips a torn final line left by a crash', () => {
    const first = open();
    first.hub.publish('alarms', 'raised', { alarmId: 'a1' });
    first.log.stop();
    appendFileSync(first.log.file, '{"id":2,"channel":"alarms","ty');
    const second = open();
    expect(second.log.skippedLines).toBe(1);
    expect(second.hub.since(0, ['alarms']).events.map((e) => e.id)).toEqual([1]);
    expect(second.hub.publish('alarms', 'raised', {}).id).toBeGreaterThan(1);
  });

  it('trims the file to its bound and reports replays from before the trim as incomplete', () => {
    const first = open({ maxEvents: 5, historyLimit: 5 });
    for (let i = 0; i < 12; i += 1) first.hub.publish('alarms', 'raised', { i });
    first.log.stop();
    const second = open({ maxEvents: 5, historyLimit: 5 });
    const eventLines = readFileSync(second.log.file, 'utf8').split('\n').filter((l) => l.startsWith('{"id"'));
    expect(eventLines).toHaveLength(5);
    expect(second.hub.since(7, ['alarms'])).toMatchObject({ complete: true });
    expect(second.hub.since(7, ['alarms']).events.map((e) => e.id)).toEqual([8, 9, 10, 11, 12]);
    expect(second.hub.since(3, ['alarms']).complete).toBe(false);
  });
});
