// The API's cumulative tonnage against the ledger: opening balance + Σ recycled-meter volume × density,
// where each meter's exact volume is its last acknowledged totalizer minus its first (integer mL).
import type { SiteConfig } from '../../../core/domain/site/site-schema.ts';
import { mlToTonnes } from '../../../core/domain/water/volume-units.ts';
import type { Ledger } from './ledger.ts';

export interface TonnageComparison {
  readonly apiTonnes: number;
  readonly ledgerTonnes: number;
  readonly provisional: boolean;
}

export function ledgerTonnes(ledger: Ledger, site: SiteConfig): number {
  let ml = 0;
  for (const meter of site.meters) if (meter.role === 'recycled') ml += ledger.expectedVolumeMl(meter.id);
  return site.water.openingBalanceM3 * site.water.densityTonnesPerM3 + mlToTonnes(ml, site.water.densityTonnesPerM3);
}

export async function apiTonnage(baseUrl: string): Promise<{ tonnes: number; provisional: boolean }> {
  const response = await fetch(`${baseUrl}/api/water/tonnage`, { signal: AbortSignal.timeout(30_000) });
  if (!response.ok) throw new Error(`GET /api/water/tonnage: HTTP ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { tonnes: number; provisional: boolean };
  return { tonnes: body.tonnes, provisional: body.provisional };
}

export async function compareTonnage(baseUrl: string, ledger: Ledger, site: SiteConfig): Promise<TonnageComparison> {
  const api = await apiTonnage(baseUrl);
  return { apiTonnes: api.tonnes, ledgerTonnes: ledgerTonnes(ledger, site), provisional: api.provisional };
}

/** The API's plant volumes by role over a fixed window (what the totals pages show), as a comparable string. */
export async function apiWindowVolumes(baseUrl: string, fromMs: number, toMs: number): Promise<string> {
  const response = await fetch(`${baseUrl}/api/water/kpis?from=${fromMs}&to=${toMs}`, { signal: AbortSignal.timeout(30_000) });
  if (!response.ok) throw new Error(`GET /api/water/kpis: HTTP ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { plant: { volumesM3: unknown } };
  return JSON.stringify(body.plant.volumesM3);
}
