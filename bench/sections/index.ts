// Every bench section, in run order. A new section is one file exporting a BenchSection, listed here.
import type { BenchSection } from '../bench-types.ts';
import { alarmApiSection } from './alarm-api.ts';
import { alarmLatencySection } from './alarm-latency.ts';
import { backfillSection } from './backfill.ts';
import { ingestLatencyMemorySection } from './ingest-latency-memory.ts';
import { ingestThroughputSection } from './ingest-throughput.ts';
import { scaleOutSection } from './scale-out.ts';
import { waterApiSection } from './water-api.ts';

export const SECTIONS: readonly BenchSection[] = [backfillSection, waterApiSection, alarmApiSection, alarmLatencySection, ingestThroughputSection, ingestLatencyMemorySection, scaleOutSection];
