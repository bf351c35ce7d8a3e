// The scoring loop: a robust damped Holt–Winters (level, trend, hour-of-day and day-of-week factors) with
// a per-phase noise scale, in one pass over the points in time order. Each point is forecast from the
// state before it, scored, and only then learned from, so nothing looks ahead.
//
// Robustness: a point with z ≥ Z_SUSPECT never feeds the level or the factors, and barely the noise; a
// lasting shift is confirmed by a CUSUM (or by the evidence of its quiet points), alerted, and re-anchored
// so it becomes the new normal; a return to the old level soon after is a recovery, not a new anomaly; a
// seasonal-naive challenger re-learns the factors when the seasonal shape changes; confirmed variance
// evidence rescales the noise after alerting. The rare steps live in adapt.ts.
//
// Performance: the loop is one function on purpose. Hot state lives in locals and typed arrays (V8 keeps
// locals in registers); moving parts of it into objects or per-point calls measured 1.3–2× slower, since
// V8 stops inlining into a function this large. Phases advance incrementally and divisions are replaced
// by reciprocals (see docs/detector.md, "Speed").
import { createColumns, type DetectColumns } from '../describe';
import { SCORE_KAPPA, SEVERITY_THRESHOLDS, Z_CAP } from '../scoring';
import type { ValueKind } from '../types';
import {
  estimateAnchor,
  measureChiSquareZ,
  measureMeanSquare,
  measureVarianceBurst,
  RING,
  recentre,
  refitSeason,
} from './adapt';
import { ANSCOMBE, measureCountZ } from './count';
import { FACTOR_MAX, FACTOR_MIN, initialiseBaseline } from './initialise';
import { DAY_MS, deriveRates, HOUR_MS, type Profile, WEEK_MS } from './profile';

const Z_SUSPECT = 4;
const Z_RECOVERED = 2.5;
const Z_CLIP = 8;
const SCAN_PENALTY = 1.25;
/** Evidence (Σz/√n of quiet points) that confirms a lasting shift before the CUSUM does. */
const Z_CONFIRM = 8;
const Z_CONFIRM_VARIANCE = 6.25;
const ANCHOR_WEIGHT = 4;
const CUSUM_SLACK = 1.5;
const HUBER = 2;
/** Relative uncertainty of an unseen weekday (or day slot): bounds on the spread of the days seen. */
const UNSEEN_MIN = 0.05;
const UNSEEN_MAX = 0.25;
const SIGMA_PER_MEAN_ABS = 1.2533;
const PHASE_PRIOR = 4;
/** Challenger: the baseline is clearly off (mean |z| ≥ 2.5 over a cycle) and the naive guess twice as good. */
const BASELINE_OFF = 2.5;
const NAIVE_BETTER = 0.5;
const NAIVE_MAJORITY = 0.6;

export type Timeline = { order: Int32Array; times: Float64Array; values: Float64Array; primary: Uint8Array };
export type EngineSettings = {
  kind: ValueKind;
  profile: Profile;
  minHistory: number;
  isExcluded: ((index: number) => boolean) | null;
  /** How to present a bucket (sensitivity, minimum effects); never used for learning. */
  alertZ: number;
  minAbs: number;
  minRel: number;
};

export function runEngine(timeline: Timeline, settings: EngineSettings): DetectColumns {
  const { order, times, values, primary } = timeline;
  const { profile: p, isExcluded } = settings;
  const n = times.length;
  const out = createColumns(n);
  const isCount = settings.kind === 'count';
  const useHour = p.hourOfDay;
  const useDay = p.dayOfWeek;
  const limit = p.cusumLimit;
  const recoveryMs = p.recoveryBuckets * p.intervalMs;

  // Warm-up: the first minHistory valid points, spanning at least two seasonal cycles (two days of hourly
  // or sub-hourly data, two weeks of daily data), fit the model once and are then replayed through it.
  const span = useHour ? 2 * DAY_MS - HOUR_MS : useDay ? 2 * WEEK_MS - DAY_MS : 0;
  const warm = collectWarmUp(timeline, settings.minHistory, span, isExcluded);
  if (warm.length === 0) return out;
  let k = order.indexOf(warm[warm.length - 1] as number) + 1;
  const w = initialiseBaseline(pick(times, warm), pick(values, warm), settings.kind, p);
  const mult = w.mult;
  const neutral = mult ? 1 : 0;
  // Presentation (sensitivity, minimum effects): used for the band and the score, never for learning.
  const { alertZ, minAbs, minRel } = settings;
  const halfZ = alertZ / 2;
  const scoreScale = SCORE_KAPPA * alertZ * alertZ;
  const unit = w.bounds.unit;
  const outExpected = out.expected;
  const outLower = out.lower;
  const outUpper = out.upper;
  const outScore = out.score;
  const outSeverity = out.severity;
  const outDirection = out.direction;
  const outInsufficient = out.insufficient;
  const lowerBound = w.bounds.lower;
  const upperBound = w.bounds.upper;
  const ppb = w.pointsPerBucket;
  const slots = w.slots;
  const slotMs = DAY_MS / slots;
  const rates = deriveRates(p, ppb, slots, RING);
  const { stepMs, perStep, perVisit, maxSteps, alpha, phi, gammaDay, gammaWeek, lambda, lambdaPhase } = rates;
  const { phaseMemory: memory, dayMinSeen, burstWindow } = rates;
  const phaseWeightMax = memory / (memory + PHASE_PRIOR);
  // Counters only need to reach what is read from them.
  const phaseCap = memory * rates.slotVisits;
  const baseFloor = w.baseFloor;
  const parameters = 1 + (useHour ? slots : 0) + (useDay ? 7 : 0);
  let learned = 0;
  // Hourly data: the current day's weekday-factor targets, applied at the day change.
  let dayTargets = 0;
  let dayTargetN = 0;
  let targetDow = 0;
  let targetDay = NaN;
  const gammaWeekDay = p.gammaWeek;
  let unseenUncertainty = UNSEEN_MAX;

  // Model state.
  let level = w.level;
  let trend = 0;
  let lastT = times[warm[0] as number] as number;
  // The day shape: one factor per slot of the day (hours, or up to quarter hours for sub-hourly data).
  const hourF = Float64Array.from(w.hourFactors);
  const hourN = new Float64Array(slots);
  const dayF = Float64Array.from(w.dayFactors);
  const dayN = new Float64Array(7);
  let globalScale = w.scale;
  const phaseScale = Float64Array.from(w.phaseScales);
  const phaseN = Float64Array.from(w.phaseCounts);
  let lastNormDay = NaN;
  let lastNormWeek = NaN;
  // Shift detection (CUSUM over clipped z, with the excursions' sums for the sustained score).
  let up = 0;
  let down = 0;
  let upStart = 0;
  let downStart = 0;
  let upZ = 0;
  let upR = 0;
  let upN = 0;
  let downZ = 0;
  let downR = 0;
  let downN = 0;
  let seq = 0;
  let zSeq = 0;
  let squares = 0;
  const ring = new Float64Array(RING);
  const zs = new Float64Array(RING);
  const scratch = new Float64Array(RING);
  const sorted = new Float64Array(RING);
  const anchor = new Float64Array(2);
  // Recovery to the pre-shift level.
  let prevActive = false;
  let prevLevel = 0;
  let prevTrend = 0;
  let prevT = 0;
  let prevUntil = 0;
  let recoverRun = 0;
  let anchorWeight = 0;
  // Seasonal-naive challenger over one cycle.
  const chWidth = useDay ? Math.min(2048, (useHour ? 24 : 7) * ppb) : 0;
  const chValues = new Float64Array(chWidth);
  const chSteps = new Float64Array(chWidth).fill(NaN);
  const chPhases = new Int16Array(chWidth);
  const blocks = chWidth <= 8 ? chWidth : 4;
  const blockSize = blocks > 0 ? Math.floor(chWidth / blocks) : 1;
  const chWindow = blocks * blockSize;
  const chBlockB = new Float64Array(blocks);
  const chBlockN = new Float64Array(blocks);
  const chBlockBetter = new Float64Array(blocks);
  let chBlock = 0;
  let chFilled = 0;
  let chSumB = 0;
  let chSumN = 0;
  let chBetter = 0;
  let blockB = 0;
  let blockN = 0;
  let blockBetter = 0;
  let blockFill = 0;
  let chT = NaN;
  let chStep = 0;
  let chSlot = 0;
  // Phases, kept incrementally: consecutive buckets need no division.
  let hourStart = NaN;
  let dayLow = NaN;
  let dayIndex = 0;
  let dow = 0;
  let hod = 0;
  // Forecast of the current timestamp (shared by duplicates).
  let groupT = NaN;
  let base = 0;
  let factor = 1;
  let other = 1;
  let mu = 0;
  let sg = 0;
  let phase = 0;
  let perSigma = 1;
  let root = 0;
  let bandLow = 0;
  let bandHigh = 0;
  let minEffect = 0;
  let perFactor = 1;
  let perOther = 1;
  let norm = 1;
  let perNorm = 1;

  let rp = 0;
  for (;;) {
    let i: number;
    let replaying = false;
    if (rp < warm.length) {
      i = warm[rp++] as number;
      replaying = true;
    } else if (k < order.length) {
      i = order[k++] as number;
    } else {
      break;
    }
    const t = times[i] as number;
    const x = values[i] as number;
    const valid = x === x && primary[i] === 1;

    // ── Forecast (once per timestamp) ──────────────────────────────────────────────────────────────
    if (t !== groupT || replaying) {
      groupT = t;
      const gap = t - lastT;
      // Whole buckets: a daily bucket at a local midnight is 23 or 25 hours long across a DST change.
      const elapsed = gap === stepMs ? 1 : Math.round(gap * perStep);
      base = level + trend * (elapsed < maxSteps ? elapsed : maxSteps);
      if (mult && base < 0) base = 0;
      factor = neutral;
      other = neutral;
      let unseen = false;
      if (useHour) {
        if (!(t >= hourStart && t < hourStart + slotMs)) {
          if (t >= hourStart + slotMs && t < hourStart + 2 * slotMs) {
            hourStart += slotMs;
            if (++hod === slots) {
              hod = 0;
              dayIndex++;
              if (++dow === 7) dow = 0;
            }
          } else {
            const hi = Math.floor(t / slotMs);
            hourStart = hi * slotMs;
            hod = (hi - Math.floor(hi / slots) * slots) | 0;
            dayIndex = Math.floor(t / DAY_MS);
            dow = (dayIndex - Math.floor(dayIndex / 7) * 7) | 0;
          }
        }
      } else if (useDay && !(t >= dayLow && t < dayLow + DAY_MS)) {
        if (t >= dayLow + DAY_MS && t < dayLow + 2 * DAY_MS) {
          dayLow += DAY_MS;
          dayIndex++;
          if (++dow === 7) dow = 0;
        } else {
          // Rounded, not floored: buckets starting at a local midnight (±12 h from UTC) keep their weekday.
          dayIndex = Math.round(t / DAY_MS);
          dayLow = (dayIndex - 0.5) * DAY_MS;
          dow = (dayIndex - Math.floor(dayIndex / 7) * 7) | 0;
        }
      }
      if (useDay) {
        other = dayF[dow] as number;
        factor = other;
        if ((dayN[dow] as number) < dayMinSeen) unseen = true;
        phase = dow;
      }
      if (useHour) {
        factor = mult ? factor * (hourF[hod] as number) : factor + (hourF[hod] as number);
        if (hourN[hod] === 0) unseen = true;
        phase = hod;
      }
      mu = mult ? base * factor : base + factor;
      if (mu < lowerBound) mu = lowerBound;
      else if (mu > upperBound) mu = upperBound;
      let local = phaseScale[phase] as number;
      if (useHour) {
        const before = phaseScale[phase === 0 ? slots - 1 : phase - 1] as number;
        const after = phaseScale[phase === slots - 1 ? 0 : phase + 1] as number;
        local = (before + 2 * local + after) * 0.25;
      }
      const seen = (phaseN[phase] as number) * perVisit;
      const w = seen >= memory ? phaseWeightMax : seen / (seen + PHASE_PRIOR);
      norm = mult ? (base > baseFloor ? base : baseFloor) : 1;
      sg = SIGMA_PER_MEAN_ABS * (w * local + (1 - w) * globalScale) * norm;
      // A young model's factors are estimates too: widen by the parameter uncertainty, √(1 + p/n).
      if (learned < 20 * parameters) sg *= Math.sqrt(1 + parameters / Math.max(1, learned));
      if (unseen) sg = Math.sqrt(sg * sg + unseenUncertainty * unseenUncertainty * mu * mu);
      const floor = 1e-9 * Math.max(mu < 0 ? -mu : mu, baseFloor) + 1e-200;
      if (!(sg > floor)) sg = floor;
      perSigma = 1 / sg;
      root = isCount ? Math.sqrt(mu + ANSCOMBE) : 0;
      perFactor = mult ? 1 / (factor > FACTOR_MIN ? factor : FACTOR_MIN) : 0;
      perOther = mult ? 1 / (other > FACTOR_MIN ? other : FACTOR_MIN) : 0;
      perNorm = 1 / norm;
      // The band is where an alert starts: alertZ noise units (on the Anscombe scale for counts), and never
      // narrower than the minimum effect.
      if (isCount) {
        const half = sg > root ? (halfZ * sg) / root : halfZ;
        bandLow = root > half ? (root - half) * (root - half) - ANSCOMBE : 0;
        bandHigh = (root + half) * (root + half) - ANSCOMBE;
      } else {
        bandLow = mu - alertZ * sg;
        bandHigh = mu + alertZ * sg;
      }
      const magnitude = mu < 0 ? -mu : mu;
      const toTop = 1 - mu < 0 ? mu - 1 : 1 - mu;
      const relative = minRel * (unit && toTop < magnitude ? toTop : magnitude);
      minEffect = minAbs > relative ? minAbs : relative;
      if (mu - minEffect < bandLow) bandLow = mu - minEffect;
      if (mu + minEffect > bandHigh) bandHigh = mu + minEffect;
      if (bandLow < lowerBound) bandLow = lowerBound;
      if (bandHigh > upperBound) bandHigh = upperBound;
      if (bandHigh < bandLow) bandHigh = bandLow;
      // An absurd minimum effect (or bound) leaves no finite band: report none rather than ±Infinity.
      if (bandLow - bandLow !== 0) bandLow = NaN;
      if (bandHigh - bandHigh !== 0) bandHigh = NaN;
    }
    if (!valid) {
      if (!replaying) {
        outExpected[i] = mu;
        outLower[i] = bandLow;
        outUpper[i] = bandHigh;
      }
      continue;
    }

    // ── Assess ─────────────────────────────────────────────────────────────────────────────────────
    const r = x - mu;
    const z = isCount ? measureCountZ(x, root, sg, perSigma) : Math.abs(x - mu) * perSigma;
    let zOut = z;
    let effect = r < 0 ? -r : r;
    let isUp = r >= 0;
    let recovering = false;
    if (prevActive && t > prevUntil) prevActive = false;
    // A point that fits the pre-shift level well, and clearly better than the new one, is a recovery.
    if (prevActive && z >= Z_RECOVERED) {
      let prevBase = prevLevel + prevTrend * Math.min(maxSteps, Math.round((t - prevT) * perStep));
      if (mult && prevBase < 0) prevBase = 0;
      const prevMu = mult ? prevBase * factor : prevBase + factor;
      const ratio = mult ? Math.max(prevBase, baseFloor) / Math.max(base, baseFloor) : 1;
      const prevZ = isCount
        ? measureCountZ(x, Math.sqrt(prevMu + ANSCOMBE), sg * ratio, 1 / (sg * ratio))
        : Math.abs(x - prevMu) / (sg * ratio);
      if (prevZ < Z_RECOVERED && prevZ < z) {
        recovering = true;
        zOut = prevZ;
        effect = Math.abs(x - prevMu);
        isUp = x >= prevMu;
      }
    }
    const zc = r >= 0 ? (z > Z_CLIP ? Z_CLIP : z) : z > Z_CLIP ? -Z_CLIP : -z;
    const quiet = z < Z_SUSPECT;
    let confirmed = 0;
    if (!recovering && quiet) {
      // A quiet point that continues an excursion is also scored by the evidence of the excursion's quiet
      // points (Σz/√n, with a penalty for scanning every window): a moderate shift that no single bucket
      // shows still alerts within a few buckets, before the CUSUM makes it the new normal. Loud points
      // are left out: they alert on their own, and their evidence must not linger after a spike.
      if (zc >= CUSUM_SLACK && up > 0 && upN > 0) {
        const evidence = (upZ + zc) / Math.sqrt(upN + 1);
        if (evidence >= Z_CONFIRM) confirmed = 1;
        const sustained = evidence / SCAN_PENALTY;
        if (sustained > zOut) {
          zOut = sustained;
          effect = Math.abs(upR + r) / (upN + 1);
          isUp = true;
        }
      } else if (zc <= -CUSUM_SLACK && down > 0 && downN > 0) {
        const evidence = -(downZ + zc) / Math.sqrt(downN + 1);
        if (evidence >= Z_CONFIRM) confirmed = -1;
        const sustained = evidence / SCAN_PENALTY;
        if (sustained > zOut) {
          zOut = sustained;
          effect = Math.abs(downR + r) / (downN + 1);
          isUp = false;
        }
      }
    }
    let rescale = 0;
    if (!recovering && z >= 2 && 2 * (zSeq + 1) >= burstWindow) {
      // Variance evidence: noise that suddenly quadruples alerts even when no single bucket is extreme.
      const n = zSeq + 1 < burstWindow ? zSeq + 1 : burstWindow;
      const meanSquare = measureMeanSquare(zs, zSeq, squares, zc, burstWindow) / n;
      const evidence = measureChiSquareZ(meanSquare, n);
      if (evidence / SCAN_PENALTY > zOut) zOut = evidence / SCAN_PENALTY;
      // Confirmed: the new noise level becomes the normal one (after this bucket has been scored).
      if (evidence >= Z_CONFIRM_VARIANCE) rescale = Math.sqrt(meanSquare);
    }
    if (!replaying) {
      outExpected[i] = mu;
      outLower[i] = bandLow;
      outUpper[i] = bandHigh;
      outInsufficient[i] = 0;
      // Effect-size gate: a deviation below the minimum effect can never reach the alert threshold.
      let zEff = zOut;
      if (effect * alertZ < zEff * minEffect) zEff = (alertZ * effect) / minEffect;
      if (zEff > Z_CAP) zEff = Z_CAP;
      if (zEff > 0) {
        const score = (zEff * zEff) / (zEff * zEff + scoreScale);
        outScore[i] = score;
        const rank =
          score >= SEVERITY_THRESHOLDS.high
            ? 3
            : score >= SEVERITY_THRESHOLDS.medium
              ? 2
              : score >= SEVERITY_THRESHOLDS.low
                ? 1
                : 0;
        if (rank > 0) {
          outSeverity[i] = rank;
          outDirection[i] = isUp ? 1 : -1;
        }
      }
      if (isExcluded !== null && isExcluded(i)) continue;
    }

    // ── Learn ──────────────────────────────────────────────────────────────────────────────────────
    learned++;
    const gap = t - lastT;
    // Regular buckets step by exactly one: no Math.pow on the hot path.
    const elapsed = gap === stepMs ? 1 : Math.min(maxSteps, Math.round(gap * perStep));
    const damping = elapsed === 1 ? phi : Math.pow(phi, elapsed);

    if (chWidth > 0) {
      if (t === chT + stepMs) {
        chStep++;
        if (++chSlot === chWidth) chSlot = 0;
      } else if (t !== chT) {
        chStep = Math.round(t / stepMs);
        chSlot = (chStep - Math.floor(chStep / chWidth) * chWidth) | 0;
      }
      chT = t;
      const step = chStep;
      const slot = chSlot;
      const otherF = useHour ? other : neutral;
      let zNaive = z;
      if (chSteps[slot] === step - chWidth) {
        const previous = chValues[slot] as number;
        const guess = mult ? previous * otherF : previous + otherF;
        zNaive = Math.abs(x - guess) * perSigma * Math.SQRT1_2;
      }
      chValues[slot] = mult ? (useHour ? x * perOther : x) : x - otherF;
      chSteps[slot] = step;
      chPhases[slot] = phase;
      const zb = z > Z_CLIP ? Z_CLIP : z;
      const zn = zNaive > Z_CLIP ? Z_CLIP : zNaive;
      // The comparison runs over the last cycle, kept as a few blocks (cheaper than a per-point window).
      // A point back at the pre-shift level says nothing about the seasonal shape: it is not counted.
      if (!recovering) {
        blockB += zb;
        blockN += zn;
        if (zn < zb) blockBetter++;
        if (++blockFill === blockSize) {
          chSumB += blockB - (chBlockB[chBlock] as number);
          chSumN += blockN - (chBlockN[chBlock] as number);
          chBetter += blockBetter - (chBlockBetter[chBlock] as number);
          chBlockB[chBlock] = blockB;
          chBlockN[chBlock] = blockN;
          chBlockBetter[chBlock] = blockBetter;
          if (++chBlock === blocks) chBlock = 0;
          if (chFilled < blocks) chFilled++;
          blockB = blockN = blockBetter = blockFill = 0;
        }
        // A changed shape makes the naive guess better across most of the cycle; after an incident or a
        // shift it is better in a few buckets only.
        if (
          blockFill === 0 &&
          chFilled === blocks &&
          chSumB >= BASELINE_OFF * chWindow &&
          chSumN <= NAIVE_BETTER * chSumB &&
          chBetter >= NAIVE_MAJORITY * chWindow
        ) {
          const refit = refitSeason(useHour ? hourF : dayF, mult, chValues, chSteps, chPhases, step);
          chFilled = chBetter = chBlock = 0;
          chSumB = chSumN = 0;
          chBlockB.fill(0);
          chBlockN.fill(0);
          chBlockBetter.fill(0);
          if (refit === refit) {
            level = refit;
            prevActive = false;
            recoverRun = 0;
            up = down = 0;
            zSeq = 0;
            squares = 0;
            lastT = t;
            continue;
          }
        }
      }
    }

    if (recovering) {
      if (++recoverRun >= 2) {
        level = prevLevel + prevTrend * Math.min(maxSteps, Math.round((t - prevT) * perStep));
        if (mult && level < 0) level = 0;
        trend = prevTrend;
        prevActive = false;
        recoverRun = 0;
        up = down = 0;
        zSeq = 0;
        squares = 0;
      } else {
        level += trend * elapsed;
        if (mult && level < 0) level = 0;
        trend *= damping;
      }
      lastT = t;
      continue;
    }
    recoverRun = 0;

    ring[seq & (RING - 1)] = mult ? x * perFactor : x - factor;
    if (up === 0) {
      upStart = seq;
      upZ = upR = upN = 0;
    }
    if (down === 0) {
      downStart = seq;
      downZ = downR = downN = 0;
    }
    seq++;
    // Points inside a strong excursion do not teach the baseline: the CUSUM must win the race.
    const excursion = r >= 0 ? up : down;
    up = Math.max(0, up + zc - CUSUM_SLACK);
    down = Math.max(0, down - zc - CUSUM_SLACK);
    if (quiet) {
      upZ += zc;
      upR += r;
      upN++;
      downZ += zc;
      downR += r;
      downN++;
    }
    squares = measureMeanSquare(zs, zSeq, squares, zc, burstWindow);
    zs[zSeq & (RING - 1)] = zc;
    zSeq++;
    // A lasting shift is confirmed by the CUSUM, or sooner by strong evidence from quiet points alone.
    if (up >= limit || down >= limit || confirmed !== 0) {
      const direction = confirmed !== 0 ? confirmed : up >= limit ? 1 : -1;
      const noise = sg / (mult ? (factor > FACTOR_MIN ? factor : FACTOR_MIN) : 1);
      estimateAnchor(
        ring,
        seq,
        direction > 0 ? upStart : downStart,
        direction,
        noise,
        scratch,
        sorted,
        anchor,
      );
      prevActive = true;
      prevLevel = base;
      prevTrend = trend;
      prevT = t;
      prevUntil = t + recoveryMs;
      level = mult ? Math.max(0, anchor[0] as number) : (anchor[0] as number);
      // The anchor rests on a handful of points: let the next ones refine it quickly.
      anchorWeight = ANCHOR_WEIGHT;
      const slope = anchor[1] as number;
      trend = slope === slope ? slope : 0;
      up = down = 0;
      zSeq = 0;
      squares = 0;
      lastT = t;
      continue;
    }

    if (z < Z_SUSPECT && excursion < limit / 2) {
      const cap = HUBER * sg;
      const xc = mu + (r > cap ? cap : r < -cap ? -cap : r);
      const weight = mult && factor < 1 ? factor : 1;
      const error = (mult ? xc * perFactor : xc - factor) - base;
      let rate = alpha;
      if (anchorWeight > 0) {
        const fresh = 1 / ++anchorWeight;
        if (fresh > alpha) rate = fresh;
        else anchorWeight = 0;
      }
      level = base + rate * weight * error;
      if (mult && level < 0) level = 0;
      trend = trend * damping + alpha * p.beta * weight * error;
      if (useHour) {
        const h = phase;
        if (hourN[h] === 0) hourN[h] = 1;
        const f = hourF[h] as number;
        if (!mult) hourF[h] = f + gammaDay * (xc - base - other - f);
        // Below about one unit of level (sparse counts) the ratio is noise: keep the factor.
        else if (base >= baseFloor) {
          const next = f + gammaDay * (xc * perNorm * perOther - f);
          hourF[h] = next < FACTOR_MIN ? FACTOR_MIN : next > FACTOR_MAX ? FACTOR_MAX : next;
        }
      }
      if (useHour) {
        // Hourly data: the weekday factor learns once per day, from the mean of the day's targets.
        if (dayIndex !== targetDay) {
          if (dayTargetN > 0) {
            const f = dayF[targetDow] as number;
            const next = f + gammaWeekDay * (dayTargets / dayTargetN - f);
            dayF[targetDow] = !mult
              ? next
              : next < FACTOR_MIN
                ? FACTOR_MIN
                : next > FACTOR_MAX
                  ? FACTOR_MAX
                  : next;
            dayN[targetDow] = (dayN[targetDow] as number) + dayTargetN;
          }
          dayTargets = dayTargetN = 0;
          targetDay = dayIndex;
          targetDow = dow;
        }
        if (!mult) dayTargets += xc - base - (factor - other);
        else if (base >= baseFloor) dayTargets += xc * perNorm * other * perFactor;
        else dayTargets += other;
        dayTargetN++;
      } else if (useDay) {
        if ((dayN[dow] as number) < dayMinSeen) dayN[dow] = (dayN[dow] as number) + 1;
        const f = dayF[dow] as number;
        if (!mult) dayF[dow] = f + gammaWeek * (xc - base - f);
        else if (base >= baseFloor) {
          const next = f + gammaWeek * (xc * perNorm - f);
          dayF[dow] = next < FACTOR_MIN ? FACTOR_MIN : next > FACTOR_MAX ? FACTOR_MAX : next;
        }
      }
      if (!replaying) {
        const u = (r < 0 ? -r : r) * perNorm;
        globalScale += lambda * (u - globalScale);
        const s = phaseScale[phase] as number;
        phaseScale[phase] = s + lambdaPhase * (u - s);
        if ((phaseN[phase] as number) < phaseCap) phaseN[phase] = (phaseN[phase] as number) + 1;
      }
    } else {
      level += trend * elapsed;
      if (mult && level < 0) level = 0;
      trend *= damping;
      if (!replaying) {
        // Outliers move the noise scale only a little (bounded influence), so a real variance change is
        // still learned while an incident barely widens the band.
        const u = Math.min(r < 0 ? -r : r, Z_SUSPECT * sg) * perNorm;
        globalScale += 0.25 * lambda * (u - globalScale);
        const s = phaseScale[phase] as number;
        phaseScale[phase] = s + 0.25 * lambdaPhase * (u - s);
        const burst = measureVarianceBurst(zs, zSeq, burstWindow, scratch, sorted);
        if (burst > rescale) rescale = burst;
      }
    }
    if (rescale > 1 && !replaying) {
      globalScale *= rescale;
      for (let j = 0; j < phaseScale.length; j++) phaseScale[j] = (phaseScale[j] as number) * rescale;
      zSeq = 0;
      squares = 0;
    }
    if (useDay && dayIndex !== lastNormDay) {
      lastNormDay = dayIndex;
      unseenUncertainty = measureUnseenUncertainty(dayF, dayN, dayMinSeen, neutral, mult ? 1 : level);
      let adjust = useHour ? recentre(hourF, hourN, mult) : neutral;
      const week = Math.floor(dayIndex / 7);
      if (week !== lastNormWeek) {
        lastNormWeek = week;
        const m = recentre(dayF, dayN, mult);
        adjust = mult ? adjust * m : adjust + m;
      }
      if (adjust !== neutral) {
        if (mult) {
          level *= adjust;
          trend *= adjust;
          prevLevel *= adjust;
          prevTrend *= adjust;
        } else {
          level += adjust;
          prevLevel += adjust;
        }
      }
    }
    lastT = t;
  }
  return out;
}

/**
 * How far an unseen weekday may sit from the level: twice the spread of the weekdays seen so far, so a
 * series without a weekly pattern stays sensitive on new days while one with a weekend keeps slack.
 */
function measureUnseenUncertainty(
  dayF: Float64Array,
  dayN: Float64Array,
  minSeen: number,
  neutral: number,
  scale: number,
): number {
  let sum = 0;
  let seen = 0;
  for (let d = 0; d < 7; d++) {
    if ((dayN[d] as number) < minSeen) continue;
    const off = ((dayF[d] as number) - neutral) / (scale === 0 ? 1 : Math.abs(scale));
    sum += off * off;
    seen++;
  }
  if (seen < 2) return UNSEEN_MAX;
  const spread = 2 * Math.sqrt(sum / seen);
  return spread < UNSEEN_MIN ? UNSEEN_MIN : spread > UNSEEN_MAX ? UNSEEN_MAX : spread;
}

/** Indices of the warm-up points, or none when the series never gets that far. */
function collectWarmUp(
  timeline: Timeline,
  minHistory: number,
  span: number,
  isExcluded: ((i: number) => boolean) | null,
): number[] {
  const { order, times, values, primary } = timeline;
  const warm: number[] = [];
  for (let k = 0; k < order.length; k++) {
    const i = order[k] as number;
    const x = values[i] as number;
    if (!(x === x && primary[i] === 1 && (isExcluded === null || !isExcluded(i)))) continue;
    warm.push(i);
    const covered = (times[i] as number) - (times[warm[0] as number] as number);
    if (warm.length >= minHistory && covered >= span) return warm;
  }
  return [];
}

function pick(from: Float64Array, indices: number[]): number[] {
  const picked = new Array<number>(indices.length);
  for (let j = 0; j < indices.length; j++) picked[j] = from[indices[j] as number] as number;
  return picked;
}
