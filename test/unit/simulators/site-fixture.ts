// Site fixtures for simulator tests: the real K14 configuration, and a small site built from overrides.
import path from 'node:path';
import { loadSiteConfig } from '../../../core/config/load-site.ts';
import { siteSchema, type SiteConfig } from '../../../core/domain/site/site-schema.ts';

export const K14_SITE_FILE = path.resolve(import.meta.dirname, '../../../config/site.k14.json');

export function k14Site(): SiteConfig {
  return loadSiteConfig(K14_SITE_FILE);
}

type MeterInput = Partial<SiteConfig['meters'][number]> & { id: string };

/** A one-zone site with the given meters (defaults: Zone 1 recycled meter with a totalizer). */
export function aSite(meters: MeterInput[] = [{ id: 'rec-z1' }]): SiteConfig {
  return siteSchema.parse({
    name: 'test site',
    commissionedAt: '2015-01-01T00:00:00+08:00',
    zones: [{ id: 'zone1', name: 'Zone 1' }, { id: 'zone2', name: 'Zone 2' }, { id: 'plant', name: 'Plant' }],
    meters: meters.map((m) => ({ role: 'recycled', zone: 'zone1', hasTotalizer: true, nominalFlowM3PerHour: 580, ...m })),
    rooms: [
      {
        id: 'mask-line',
        isoClass: 8,
        counters: [
          { id: 'pms-01', sampleFlowLitresPerMinute: 28.3 },
          { id: 'pms-02', sampleFlowLitresPerMinute: 28.3 },
          { id: 'pms-03', sampleFlowLitresPerMinute: 28.3 },
        ],
      },
    ],
  });
}

/** Asia/Taipei wall-clock time → epoch ms. */
export const taipei = (isoLocal: string): number => Date.parse(`${isoLocal}+08:00`);
