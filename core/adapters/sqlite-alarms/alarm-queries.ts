// AlarmStore reads on SQLite: filters become WHERE clauses of statements prepared once per shape,
// and rows come back through the same JSON validation the InfluxDB adapter uses.
import type Database from 'better-sqlite3';
import type { AlarmInstance, AlarmTransition } from '../../domain/cleanroom/alarm-types.ts';
import type { AlarmListQuery, TransitionListQuery } from '../../ports/alarm-store.ts';
import { checkedLimit, parseStoredAlarm, parseStoredTransition } from '../alarm-records.ts';

export interface AlarmQueries {
  getAlarm(alarmId: string): AlarmInstance | undefined;
  listAlarms(query: AlarmListQuery): AlarmInstance[];
  listTransitions(query: TransitionListQuery): AlarmTransition[];
}

type Value = string | number;

interface Where {
  readonly conditions: string[];
  readonly values: Value[];
}

export function prepareAlarmQueries(db: Database.Database): AlarmQueries {
  const statements = new Map<string, Database.Statement<Value[], { json: string }>>();
  // At most a few dozen shapes (each filter present or not), so the cache stays small.
  const jsonRows = (sql: string, values: readonly Value[]): string[] => {
    let statement = statements.get(sql);
    if (statement === undefined) statements.set(sql, (statement = db.prepare<Value[], { json: string }>(sql)));
    return statement.all(...values).map((row) => row.json);
  };

  return {
    getAlarm(alarmId) {
      const [json] = jsonRows('SELECT json FROM alarms WHERE id = ?', [alarmId]);
      return json === undefined ? undefined : parseStoredAlarm(json);
    },

    listAlarms(query) {
      const where: Where = { conditions: [], values: [] };
      if (query.state === 'active') where.conditions.push("state <> 'normal'");
      if (query.roomId !== undefined) add(where, 'room_id = ?', query.roomId);
      if (query.range !== undefined) add(where, 'raised_at_ms >= ? AND raised_at_ms < ?', query.range.fromMs, query.range.toMs);
      const sql = `SELECT json FROM alarms${clause(where)} ORDER BY raised_at_ms DESC, id${limitClause(where, query.limit)}`;
      return jsonRows(sql, where.values).map(parseStoredAlarm);
    },

    listTransitions(query) {
      const where: Where = { conditions: [], values: [] };
      if (query.alarmId !== undefined) add(where, 'alarm_id = ?', query.alarmId);
      if (query.roomId !== undefined) add(where, 'room_id = ?', query.roomId);
      if (query.range !== undefined) add(where, 'at_ms >= ? AND at_ms < ?', query.range.fromMs, query.range.toMs);
      const sql = `SELECT json FROM alarm_transitions${clause(where)} ORDER BY at_ms, seq${limitClause(where, query.limit)}`;
      return jsonRows(sql, where.values).map(parseStoredTransition);
    },
  };
}

function add(where: Where, condition: string, ...values: Value[]): void {
  where.conditions.push(condition);
  where.values.push(...values);
}

function clause(where: Where): string {
  return where.conditions.length === 0 ? '' : ` WHERE ${where.conditions.join(' AND ')}`;
}

function limitClause(where: Where, limit: number | undefined): string {
  const checked = checkedLimit(limit);
  if (checked === undefined) return '';
  where.values.push(checked);
  return ' LIMIT ?';
}
