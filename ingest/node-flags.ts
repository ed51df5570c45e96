// The Node.js flags ingest runs with as its own process. The bench and the fault suite start it with
// these; package.json (start:ingest) and docker-compose.yml spell them out, and a test holds all to
// the same list.
//
// The heap cap: ingest's live heap is ~40 MB, but uncapped V8 sizes the old generation for the whole
// machine and let a flood's promoted garbage reach ~140 MB before compacting. Capped at 256 MB (still
// six times the live heap) it compacts sooner: peak RSS in a 200,000-message flood fell from ~250 MB
// to ~170–190 MB at the same msg/s.
export const INGEST_NODE_FLAGS: readonly string[] = ['--max-old-space-size=256'];
