// CSV answers for list endpoints (`?format=csv` or `Accept: text/csv`), RFC 4180 quoting.
import type { FastifyReply, FastifyRequest } from 'fastify';

export type CsvRow = Readonly<Record<string, string | number | boolean | null | undefined>>;

export function wantsCsv(request: FastifyRequest): boolean {
  const query = request.query as { format?: unknown } | undefined;
  return query?.format === 'csv' || (request.headers.accept ?? '').split(',').some((type) => type.trim().startsWith('text/csv'));
}

export function toCsv(columns: readonly string[], rows: readonly CsvRow[]): string {
  const cell = (value: CsvRow[string]) => {
    const text = value === null || value === undefined ? '' : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [columns.join(','), ...rows.map((row) => columns.map((c) => cell(row[c])).join(','))].join('\r\n') + '\r\n';
}

export function sendCsv(reply: FastifyReply, filename: string, columns: readonly string[], rows: readonly CsvRow[]): FastifyReply {
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}.csv"`).send(toCsv(columns, rows));
}
