// CronJobs (batch/v1): ValidateCronJobCreate / validateCronJobSpec and
// ValidateJobTemplateSpec, with the schedule read as Kubernetes reads it.
//
// Kubernetes checks a schedule with robfig/cron v3's ParseStandard, and its errors are the
// messages users see (`expected exactly 5 fields, found 1: [hello]`). The parser below is
// that grammar and those messages: five fields (minute hour day-of-month month
// day-of-week, with `*`, `?`, ranges, steps, lists and jan–dec / sun–sat names), the
// descriptors @yearly @annually @monthly @weekly @daily @midnight @hourly and
// `@every <duration>`, and a TZ= / CRON_TZ= prefix. The npm cron parsers read other
// grammars (cron-parser 5 takes `* * * * 7`, `L`, `#`, `H`, @weekdays and a seconds field,
// and refuses `0 0 31 2 *` and @midnight), so none of them can say what Kubernetes accepts.

import type { KubeObject } from '../kinds.ts';
import { checkNonNegative, invalid, notSupported, present, readObject, readString, required, type Errs } from './field.ts';
import { validateObjectMeta } from './meta.ts';
import { nameIsDNSSubdomain } from './names.ts';
import { goLabelSelector } from './selector.ts';
import { validateJobSpecFields } from './job.ts';

export const CONCURRENCY_POLICIES = ['Allow', 'Forbid', 'Replace'] as const;
/** A Job's name is the CronJob's plus `-<11 digits>` and at most 63 characters. */
export const MAX_CRONJOB_NAME_LENGTH = 52;

// ---- Go's time.LoadLocation and time.ParseDuration --------------------------------

/** time.LoadLocation's error for a location name; undefined when the tz database has it (checked case-sensitively, as files are). */
export function loadLocationError(name: string): string | undefined {
  if (name === '' || name === 'UTC' || name === 'Local') return undefined;
  if (name.includes('..') || name.startsWith('/') || name.includes('\\')) return 'time: invalid location name';
  try {
    // Offsets (`+01:00`) are time zones to Intl, not tz database names.
    if (/^[+-]\d/.test(name)) throw new RangeError(name);
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
    // Intl reads names case-insensitively; the tz database's files do not.
    if (resolved !== name && resolved.toLowerCase() === name.toLowerCase()) throw new RangeError(name);
    return undefined;
  } catch {
    return `unknown time zone ${name}`;
  }
}

const DURATION_UNITS = new Set(['ns', 'us', 'µs', 'μs', 'ms', 's', 'm', 'h']);

/** time.ParseDuration's error; undefined when `s` is a duration (`90m`, `1h30m`, `1.5h`). */
export function parseDurationError(orig: string): string | undefined {
  const bad = `time: invalid duration ${JSON.stringify(orig)}`;
  let s = orig.startsWith('-') || orig.startsWith('+') ? orig.slice(1) : orig;
  if (s === '0') return undefined;
  if (s === '') return bad;
  while (s !== '') {
    const number = /^(\d*)(\.(\d*))?/.exec(s)!;
    if (!number[1] && !number[3]) return bad;
    s = s.slice(number[0].length);
    const unit = /^[^\d.]*/.exec(s)![0];
    if (unit === '') return `time: missing unit in duration ${JSON.stringify(orig)}`;
    if (!DURATION_UNITS.has(unit)) return `time: unknown unit ${JSON.stringify(unit)} in duration ${JSON.stringify(orig)}`;
    s = s.slice(unit.length);
  }
  return undefined;
}

// ---- robfig/cron v3 ParseStandard ---------------------------------------------------

interface Bounds {
  min: number;
  max: number;
  names?: Readonly<Record<string, number>>;
}
const MONTH_NAMES = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DOW_NAMES = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
/** minute, hour, day of month, month, day of week. */
const FIELDS: readonly Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTH_NAMES },
  { min: 0, max: 6, names: DOW_NAMES },
];
const DESCRIPTORS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const MAX_INT64 = 2n ** 63n - 1n;

class ScheduleError extends Error {}

/** mustParseInt: strconv.Atoi, then no negatives. */
function mustParseInt(expr: string): number {
  if (!/^[+-]?\d+$/.test(expr)) throw new ScheduleError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`);
  const n = BigInt(expr);
  if (n > MAX_INT64 || n < -MAX_INT64 - 1n)
    throw new ScheduleError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: value out of range`);
  if (n < 0n) throw new ScheduleError(`negative number (${n}) not allowed: ${expr}`);
  return Number(n);
}

function parseIntOrName(expr: string, names: Bounds['names']): number {
  const named = names?.[expr.toLowerCase() as keyof typeof names];
  return named ?? mustParseInt(expr);
}

/** getRange: `*`, `?`, `N`, `N-M`, each optionally `/step` (`N/step` runs from N to the maximum). */
function checkRange(expr: string, r: Bounds): void {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0]!.split('-');
  let start: number;
  let end: number;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = r.min;
    end = r.max;
  } else {
    start = parseIntOrName(lowAndHigh[0]!, r.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1]!, r.names);
    else throw new ScheduleError(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1]!);
    if (lowAndHigh.length === 1) end = r.max;
  } else if (rangeAndStep.length > 2) {
    throw new ScheduleError(`too many slashes: ${expr}`);
  }
  if (start < r.min) throw new ScheduleError(`beginning of range (${start}) below minimum (${r.min}): ${expr}`);
  if (end > r.max) throw new ScheduleError(`end of range (${end}) above maximum (${r.max}): ${expr}`);
  if (start > end) throw new ScheduleError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new ScheduleError(`step of range should be a positive number: ${expr}`);
}

/** cron.ParseStandard's error for a schedule; undefined when it parses. */
export function scheduleError(spec: string): string | undefined {
  if (spec.length === 0) return 'empty spec string';
  let rest = spec;
  if (rest.startsWith('TZ=') || rest.startsWith('CRON_TZ=')) {
    const space = rest.indexOf(' ');
    const name = rest.slice(rest.indexOf('=') + 1, space < 0 ? undefined : space);
    const err = loadLocationError(name);
    if (err) return `provided bad location ${name}: ${err}`;
    rest = space < 0 ? '' : rest.slice(space).trim();
  }
  if (rest.startsWith('@')) {
    if (DESCRIPTORS.has(rest)) return undefined;
    if (rest.startsWith('@every ')) {
      const err = parseDurationError(rest.slice('@every '.length));
      return err ? `failed to parse duration ${rest}: ${err}` : undefined;
    }
    return `unrecognized descriptor: ${rest}`;
  }
  const fields = rest.split(/\s+/).filter(Boolean);
  if (fields.length !== FIELDS.length) return `expected exactly ${FIELDS.length} fields, found ${fields.length}: [${fields.join(' ')}]`;
  try {
    fields.forEach((f, i) => {
      for (const expr of f.split(',').filter(Boolean)) checkRange(expr, FIELDS[i]!);
    });
  } catch (e) {
    if (e instanceof ScheduleError) return e.message;
    throw e;
  }
  return undefined;
}

// ---- the kind -----------------------------------------------------------------------

/** https://data.iana.org/time-zones/theory.html#naming, with 0-9 and + for legacy names. */
const TIME_ZONE_PART = /^[A-Za-z.\-_0-9+]{1,14}$/;

/** validateTimeZone. */
function validateTimeZone(errs: Errs, path: string, v: unknown): void {
  const tz = readString(errs, path, v);
  if (tz === undefined) return;
  if (tz === '') {
    errs.push(invalid(path, tz, 'timeZone must be nil or non-empty string'));
    return;
  }
  if (tz.split('/').some((part) => part === '.' || part === '..' || part.startsWith('-') || !TIME_ZONE_PART.test(part))) {
    errs.push(invalid(path, tz, `unknown time zone ${tz}`));
    return;
  }
  if (tz.toLowerCase() === 'local') errs.push(invalid(path, tz, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
  const err = loadLocationError(tz);
  if (err) errs.push(invalid(path, tz, err));
}

/**
 * validateScheduleFormat. A schedule naming its time zone (`TZ=` / `CRON_TZ=`) is refused:
 * Kubernetes keeps it only on CronJobs that had one before the timeZone field existed,
 * and kubeql has none of those.
 */
function validateSchedule(errs: Errs, path: string, v: unknown): void {
  const schedule = readString(errs, path, v) ?? '';
  if (schedule === '') {
    if (typeof v === 'string' || !present(v)) errs.push(required(path));
    return;
  }
  const err = scheduleError(schedule);
  if (err) errs.push(invalid(path, schedule, err));
  if (schedule.includes('TZ')) errs.push(invalid(path, schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
}

/** ValidateJobTemplateSpec: a Job spec whose selector the Job's strategy will generate. */
function validateJobTemplate(errs: Errs, path: string, v: unknown): void {
  const template = readObject(errs, path, v) ?? {};
  const specPath = `${path}.spec`;
  const spec = readObject(errs, specPath, template.spec) ?? {};
  validateJobSpecFields(errs, specPath, spec);
  if (present(spec.selector)) errs.push(invalid(`${specPath}.selector`, goLabelSelector(spec.selector), '`selector` will be auto-generated'));
  if (spec.manualSelector === true) errs.push(notSupported(`${specPath}.manualSelector`, true, ['nil', 'false']));
}

export function validateCronJob(errs: Errs, obj: KubeObject): void {
  const meta = validateObjectMeta(errs, obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const s = present(obj.spec) ? readObject(errs, 'spec', obj.spec) : {};
  if (s) {
    validateSchedule(errs, 'spec.schedule', s.schedule);
    checkNonNegative(errs, 'spec.startingDeadlineSeconds', s.startingDeadlineSeconds);
    validateTimeZone(errs, 'spec.timeZone', s.timeZone);
    const policy = readString(errs, 'spec.concurrencyPolicy', s.concurrencyPolicy) ?? '';
    if (policy === '') errs.push(required('spec.concurrencyPolicy'));
    else if (!(CONCURRENCY_POLICIES as readonly string[]).includes(policy)) errs.push(notSupported('spec.concurrencyPolicy', policy, CONCURRENCY_POLICIES));
    validateJobTemplate(errs, 'spec.jobTemplate', s.jobTemplate);
    checkNonNegative(errs, 'spec.successfulJobsHistoryLimit', s.successfulJobsHistoryLimit);
    checkNonNegative(errs, 'spec.failedJobsHistoryLimit', s.failedJobsHistoryLimit);
  }
  // A create's rule in Kubernetes; names never change, so kubeql checks it on every write.
  const name = typeof meta?.name === 'string' ? meta.name : '';
  if (name.length > MAX_CRONJOB_NAME_LENGTH) errs.push(invalid('metadata.name', name, `must be no more than ${MAX_CRONJOB_NAME_LENGTH} characters`));
  readObject(errs, 'status', obj.status);
}
