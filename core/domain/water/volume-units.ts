// Exact volume arithmetic: volumes are integer millilitres so ten years of sums never drift; m³
// (= t at the default density) only at the edges.

export const ML_PER_M3 = 1_000_000;

export function m3ToMl(m3: number): number {
  return Math.round(m3 * ML_PER_M3);
}

export function mlToM3(ml: number): number {
  return ml / ML_PER_M3;
}

/** Tonnes of water for a volume, at a density in t/m³ (1 by default). */
export function mlToTonnes(ml: number, densityTonnesPerM3 = 1): number {
  return (ml / ML_PER_M3) * densityTonnesPerM3;
}

/** floor(total × part ÷ whole) exactly, for the integer shares that make adjacent windows telescope. */
export function proportionalShare(total: number, part: number, whole: number): number {
  if (part <= 0 || whole <= 0) return 0;
  if (part >= whole) return total;
  const product = total * part;
  if (Number.isSafeInteger(product)) {
    // The float quotient can land one off an exact integer boundary; correct it with exact products.
    let quotient = Math.floor(product / whole);
    if (quotient * whole > product) quotient--;
    else if ((quotient + 1) * whole <= product) quotient++;
    return quotient;
  }
  return Number((BigInt(total) * BigInt(part)) / BigInt(whole));
}
