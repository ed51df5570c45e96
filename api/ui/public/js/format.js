// @ts-check
// How figures read on the live page: grouped numbers, percentages with a space (ISO 80000), and times
// in the site's time zone (Asia/Taipei), whatever the viewing laptop is set to.

let timeZone = 'Asia/Taipei';
/** @type {Map<string, Intl.DateTimeFormat>} */
const dateFormats = new Map();
/** @type {Map<number, Intl.NumberFormat>} */
const numberFormats = new Map();

/** @param {string} zone */
export function setTimeZone(zone) {
  timeZone = zone;
  dateFormats.clear();
}

export function siteTimeZone() {
  return timeZone;
}

/**
 * @param {number | null | undefined} value
 * @param {number} [digits]
 */
export function formatNumber(value, digits = 0) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  let format = numberFormats.get(digits);
  if (!format) {
    format = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    numberFormats.set(digits, format);
  }
  return format.format(value);
}

/**
 * @param {number | null | undefined} ratio 0–1
 * @param {number} [digits]
 */
export function formatPercent(ratio, digits = 1) {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '–';
  return `${formatNumber(ratio * 100, digits)} %`;
}

/**
 * @param {string} key
 * @param {Intl.DateTimeFormatOptions} options
 */
function dateFormat(key, options) {
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { ...options, timeZone });
    dateFormats.set(key, format);
  }
  return format;
}

/** @param {number | string} at epoch ms or ISO 8601 */
const ms = (at) => (typeof at === 'number' ? at : Date.parse(at));

/** @param {number | string} at */
export function formatTime(at) {
  return dateFormat('time', { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(ms(at));
}

/** @param {number | string} at */
export function formatHourMinute(at) {
  return dateFormat('hm', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms(at));
}

/** @param {number | string} at */
export function formatDate(at) {
  return dateFormat('date', { day: 'numeric', month: 'short', year: 'numeric' }).format(ms(at));
}

/** @param {number | string} at */
export function formatDateTime(at) {
  return dateFormat('datetime', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms(at));
}

/** @param {number | string} at */
export function formatWeekdayDate(at) {
  return dateFormat('weekday', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }).format(ms(at));
}

/**
 * "12 s", "4 min", "3 h", "2 d": how old something is.
 * @param {number} ageMs
 */
export function formatAge(ageMs) {
  const seconds = Math.max(0, Math.round(ageMs / 1000));
  if (seconds < 90) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} d`;
}

/**
 * Large tonnages as PR quotes them: "20.4 million t" below the exact figure.
 * @param {number} tonnes
 */
export function formatMillions(tonnes) {
  return tonnes >= 1e6 ? `${formatNumber(tonnes / 1e6, tonnes % 1e6 === 0 ? 0 : 1)} million` : formatNumber(tonnes);
}

/** @param {string} channel "0.5" */
export function channelLabel(channel) {
  return `≥${channel} µm`;
}
