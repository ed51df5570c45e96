// Particle concentrations for the simulated counters: ISO 14644-1:2015 class limits by the standard's
// formula, the clean-air baseline, and Poisson counts per size bin for one sampled volume.
import { SIZE_CHANNELS, type SizeChannel } from '../core/domain/readings.ts';
import type { Rng } from './random.ts';

export type ChannelValues = Record<SizeChannel, number>;

export const CHANNEL_SIZE_UM: Readonly<ChannelValues> = { '0.3': 0.3, '0.5': 0.5, '1.0': 1.0, '5.0': 5.0 };

/**
 * Cn = 10^N × (0.1 / D)^2.08 particles/m³, rounded to three significant figures like the standard's
 * table (ISO 8: 3,520,000 at 0.5 µm, 832,000 at 1 µm, 29,300 at 5 µm). The 0.3 µm value of ISO 8 is
 * not a limit the standard sets; the simulator uses it only to shape an excursion's size spectrum.
 */
export function isoLimitPerM3(isoClass: number, sizeUm: number): number {
  return Number((10 ** isoClass * (0.1 / sizeUm) ** 2.08).toPrecision(3));
}

export function isoLimitsPerM3(isoClass: number): ChannelValues {
  return mapChannels((channel) => isoLimitPerM3(isoClass, CHANNEL_SIZE_UM[channel]));
}

/** Well-run ISO 8 air sits far below its limits; coarse 5 µm particles settle, so even lower there. */
const BASELINE_SHARE_OF_FRACTION: Readonly<Record<Exclude<SizeChannel, '0.3'>, number>> = { '0.5': 1, '1.0': 1, '5.0': 0.5 };
/** Fine particles dominate room air: about 2.5 × the 0.5 µm concentration at 0.3 µm. */
const FINE_TO_HALF_MICRON = 2.5;

/** Cumulative clean-air concentrations (particles/m³) at fractionOfLimit of the class limits. */
export function baselineConcentrations(isoClass: number, fractionOfLimit: number): ChannelValues {
  const limits = isoLimitsPerM3(isoClass);
  const half = limits['0.5'] * fractionOfLimit * BASELINE_SHARE_OF_FRACTION['0.5'];
  return {
    '0.3': half * FINE_TO_HALF_MICRON,
    '0.5': half,
    '1.0': limits['1.0'] * fractionOfLimit * BASELINE_SHARE_OF_FRACTION['1.0'],
    '5.0': limits['5.0'] * fractionOfLimit * BASELINE_SHARE_OF_FRACTION['5.0'],
  };
}

/**
 * Cumulative counts for a sampled volume. Particles arrive independently in each size bin, so each
 * bin is Poisson and the cumulative counts are ordered (≥0.3 ≥ ≥0.5 ≥ ≥1.0 ≥ ≥5.0) by construction.
 */
export function sampleCounts(cumulativePerM3: Readonly<ChannelValues>, volumeLitres: number, rng: Rng): ChannelValues {
  const volumeM3 = volumeLitres / 1000;
  const counts = mapChannels(() => 0);
  let above = 0;
  for (let i = SIZE_CHANNELS.length - 1; i >= 0; i -= 1) {
    const channel = SIZE_CHANNELS[i]!;
    const next = SIZE_CHANNELS[i + 1];
    const binPerM3 = Math.max(0, cumulativePerM3[channel] - (next === undefined ? 0 : cumulativePerM3[next]));
    above += rng.poisson(binPerM3 * volumeM3);
    counts[channel] = above;
  }
  return counts;
}

export function mapChannels(value: (channel: SizeChannel) => number): ChannelValues {
  return { '0.3': value('0.3'), '0.5': value('0.5'), '1.0': value('1.0'), '5.0': value('5.0') };
}
