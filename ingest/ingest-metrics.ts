// The counters ingest keeps; gauges (backlog, lag) are registered by the service that owns them.
import type { MetricsRegistry } from '../core/observability/metrics.ts';

export type IngestMetrics = ReturnType<typeof createIngestMetrics>;

export function createIngestMetrics(registry: MetricsRegistry) {
  return {
    messages: registry.counter('ingest_messages_total', 'MQTT messages received on device topics'),
    readings: registry.counter('ingest_readings_total', 'Readings accepted into the journal'),
    deadLetters: registry.counter('ingest_dead_letters_total', 'Refused messages or array elements, by reason'),
    pointsWritten: registry.counter('ingest_points_written_total', 'Readings the store accepted'),
    writeFailures: registry.counter('ingest_store_write_failures_total', 'Store writes that failed and will be retried'),
    ackPaused: registry.counter('ingest_ack_paused_total', 'Times acknowledgements paused because the journal was full'),
    livePublished: registry.counter('ingest_live_readings_published_total', 'Readings republished on the live topic'),
    sessionLost: registry.counter('ingest_mqtt_session_lost_total', 'Connections where the broker had no session for ingest'),
    journalErrors: registry.counter('ingest_journal_errors_total', 'Journal appends that failed (disk full, I/O error)'),
  };
}
