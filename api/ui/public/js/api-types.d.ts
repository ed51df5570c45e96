// The shapes the live page reads from the REST API and the websocket (api/routes/*, api/streams),
// as JSDoc types for the page's plain-JS modules. Declarations only: nothing here is served.

/** GET /api/auth/me (api/routes/auth, api/auth/permissions.ts). */
export type Role = 'viewer' | 'operator' | 'pr' | 'admin';
export type Permission =
  | 'public'
  | 'authenticated'
  | 'water:totals'
  | 'water:read'
  | 'telemetry:read'
  | 'metrics:read'
  | 'stream:read'
  | 'alarms:operate'
  | 'dead-letters:read'
  | 'meters:replace';

export interface Identity {
  auth: 'on' | 'off';
  keyId: string;
  name: string;
  role: Role;
  permissions: Permission[];
}

export type MeterRole = 'influent' | 'recycled' | 'reject' | 'tap';
export type SizeChannel = '0.3' | '0.5' | '1.0' | '5.0';

export interface Site {
  name: string;
  timezone: string;
  commissionedAt: string;
  zones: Array<{ id: string; name: string }>;
  meters: Array<{ id: string; name?: string; role: MeterRole; zone: string; nominalFlowM3PerHour?: number; installedAt?: string }>;
  rooms: Array<{ id: string; name?: string; isoClass: number; counters: Array<{ id: string; name?: string; sampleIntervalSeconds: number }> }>;
  water: { densityTonnesPerM3: number; milestoneStepTonnes: number; meterStaleAfterMinutes: number };
}

export interface Ratio {
  value: number | null;
  reason?: 'zero_denominator' | 'stale_meter';
  staleMeters?: string[];
}

export interface ScopeReport {
  volumesM3: Record<MeterRole, number>;
  recyclingRate: Ratio;
  recycledShare: Ratio;
  reuseFactor: Ratio;
  balanceGap: Ratio;
}

/** GET /api/water/kpis has from/to; the websocket's 'kpis' event has fromMs/toMs and the flows. */
export interface WaterReport {
  from?: string;
  to?: string;
  fromMs?: number;
  toMs?: number;
  plant: ScopeReport;
  zones: Record<string, ScopeReport>;
  provisional: boolean;
  meters: Array<{ meterId: string; role: MeterRole; zone: string; coverage: number; stale: boolean }>;
  flowsM3PerHour?: Record<string, number>;
}

export interface SeriesPoint {
  from: string;
  to: string;
  value: number | null;
  reason?: string;
  coverage: number;
}

export interface Totals {
  period: 'day' | 'month' | 'year';
  totals: Array<WaterReport & { label: string }>;
}

export interface Tonnage {
  tonnes: number;
  asOf: string;
  /** Tonnes per m³ of recycled water, and the recycled meters counted. */
  densityTonnesPerM3: number;
  meters: string[];
  provisional: boolean;
  coverage: number;
}

export interface Milestones {
  stepTonnes: number;
  currentTonnes: number;
  asOf: string;
  crossed: Array<{ tonnes: number; crossedAt: string }>;
  next: Array<{ tonnes: number; projectedAt: string | null }>;
  trailingTonnesPerDay: number;
  equivalences: Array<{ name: string; tonnes: number; multiple: number }>;
  provisional: boolean;
}

export interface MeterReading {
  kind: 'meter';
  meterId: string;
  role: MeterRole;
  tsMs: number;
  flowM3PerHour: number;
  quality: 'good' | 'uncertain' | 'bad';
}

export interface ParticleSample {
  kind: 'particle';
  roomId: string;
  counterId: string;
  tsMs: number;
}

export type ChannelLevel = 'normal' | 'alert' | 'action';
export type RoomLevel = ChannelLevel | 'stale';

export interface ChannelStatus {
  channel: SizeChannel;
  classLimitPerM3: number | null;
  worstPerM3: number | null;
  worstCounterId: string | null;
  worstAt: string | null;
  alertPerM3: number | null;
  actionPerM3: number | null;
  fractionOfLimit: number | null;
  status: ChannelLevel;
}

export interface Room {
  roomId: string;
  name: string | null;
  isoClass: number;
  status: RoomLevel;
  channels: ChannelStatus[];
  staleCounterIds: string[];
  openAlarms: number;
  unacknowledgedAlarms: number;
  shelvedAlarms: number;
}

export type AlarmState = 'normal' | 'active-unacknowledged' | 'active-acknowledged' | 'cleared-unacknowledged' | 'shelved';
export type Severity = 'alert' | 'action';

export interface Alarm {
  id: string;
  key: string;
  kind: 'excursion' | 'stale';
  roomId: string;
  counterId: string;
  channel: SizeChannel | null;
  severity: Severity;
  state: AlarmState;
  conditionActive: boolean;
  raisedAt: string;
  clearedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  shelvedUntil: string | null;
  shelvedBy: string | null;
  peakPerM3: number | null;
  levelPerM3: number | null;
}

export interface Transition {
  alarmId: string;
  key: string;
  kind: 'excursion' | 'stale';
  at: string;
  actor: string;
  comment: string | null;
  cause: 'raised' | 'cleared' | 'severity-changed' | 'acknowledged' | 'shelved' | 'unshelved' | 'shelve-expired';
  from: AlarmState;
  to: AlarmState;
  severity: Severity;
  suppressed: boolean;
  concentrationPerM3: number | null;
}

export interface StreamEvent {
  id: number;
  channel: string;
  type: string;
  at: string;
  data: unknown;
}

export type ServerMessage =
  | { type: 'subscribed'; channels: string[]; added: string[]; lastEventId: number; replayComplete: boolean; replayed: number }
  | { type: 'event'; event: StreamEvent }
  | { type: 'heartbeat'; at: string; lastEventId: number }
  | { type: 'dropped'; reason: string }
  | { type: 'error'; code: string; message: string }
  | { type: 'unsubscribed' | 'pong' };
