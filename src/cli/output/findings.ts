// The human summary of findings: counts by category, then the first findings with hex offsets.
import { FINDING_KINDS, type Finding } from '../../core/index.js';

const SHOWN = 20;

// Prints counts by category and kind, then up to 20 findings.
export function printFindingsSummary(
  report: { findings: Finding[]; counts: Partial<Record<string, number>>; findingsTruncated: boolean },
  out: (line: string) => void,
): void {
  const total = Object.values(report.counts).reduce<number>((a, b) => a + (b ?? 0), 0);
  if (total === 0) {
    out('  findings none');
    return;
  }
  out(`  findings ${total}`);
  for (const [category, kinds] of Object.entries(FINDING_KINDS)) {
    const parts = kinds.filter((k) => report.counts[k]).map((k) => `${k} ${report.counts[k]}`);
    if (parts.length) out(`    ${category.padEnd(16)} ${parts.join(', ')}`);
  }
  for (const f of report.findings.slice(0, SHOWN)) {
    out(`    0x${f.offset.toString(16).padStart(10, '0')}  ${f.kind.padEnd(20)} ${f.confidence.padEnd(9)} ${f.detail}`);
  }
  const more = total - Math.min(SHOWN, report.findings.length);
  if (more > 0)
    out(
      `    ... ${more} more (--json lists ${report.findings.length}${report.findingsTruncated ? ', truncated' : ''})`,
    );
}
