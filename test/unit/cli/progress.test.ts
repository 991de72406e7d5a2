import { describe, expect, test } from 'vitest';
import { createProgressDisplay, summaryLine, type TargetState } from '../../../src/cli/output/progress.js';
import type { ProgressEvent } from '../../../src/types.js';

const state = (phase: string, percent: number | null, bytesPerSecond: number, text = 'own line'): TargetState => ({
  text,
  phase,
  percent,
  bytesPerSecond,
});

describe('summaryLine', () => {
  test('nothing active: no line', () => expect(summaryLine(new Map())).toBeNull());

  test("one active target: that target's own line", () => {
    expect(summaryLine(new Map([['/dev/loop0', state('pass 1/3', 45, 1.2e9, '/dev/loop0: pass 1/3 45%')]]))).toBe(
      '/dev/loop0: pass 1/3 45%',
    );
  });

  test('several: every active target with its phase, percent and rate, and the sum of the rates', () => {
    const active = new Map([
      ['/dev/loop0', state('pass 1/3', 45, 1.2e9)],
      ['/dev/loop1', state('verify', 30, 0.8e9)],
      ['/srv/images/vm.img', state('starting', null, 0)],
    ]);
    expect(summaryLine(active)).toBe(
      '3 running: loop0 pass 1/3 45% 1.20 GB/s · loop1 verify 30% 800.0 MB/s · vm.img starting · 2.00 GB/s in all',
    );
  });

  test('cut to the terminal width', () => {
    const active = new Map(Array.from({ length: 8 }, (_, i) => [`/dev/loop${i}`, state('pass 1/1', 50, 5e8)] as const));
    const line = summaryLine(active, 80)!;
    expect(line.length).toBe(77);
    expect(line.endsWith('…')).toBe(true);
    expect(line.startsWith('8 running: loop0 pass 1/1 50% 500.0 MB/s')).toBe(true);
  });
});

// A stream that records each write() call.
function recordingStream(): { stream: NodeJS.WriteStream; writes: string[] } {
  const writes: string[] = [];
  const stream = {
    isTTY: false,
    write: (chunk: string) => {
      writes.push(chunk);
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  return { stream, writes };
}

describe('ndjson display', () => {
  test('one write per event, each a whole line with its target', async () => {
    const { stream, writes } = recordingStream();
    const display = createProgressDisplay('ndjson', stream);
    const events: ProgressEvent[] = [
      { type: 'pass.started', target: '/dev/loop0', pass: 1, passes: 1, pattern: '0x00' },
      { type: 'pass.started', target: '/dev/loop1', pass: 1, passes: 1, pattern: '0x00' },
      {
        type: 'pass.progress',
        target: '/dev/loop1',
        pass: 1,
        passes: 1,
        bytes: 1,
        totalBytes: 2,
        bytesPerSecond: 3,
      },
      { type: 'completed', target: '/dev/loop0', result: 'PASS' },
    ];
    for (const event of events) display.listener(event);
    expect(writes).toHaveLength(events.length);
    for (const [i, chunk] of writes.entries()) {
      expect(chunk.endsWith('\n')).toBe(true);
      expect(chunk.slice(0, -1)).not.toContain('\n');
      expect(JSON.parse(chunk)).toMatchObject(events[i]!);
    }
    // suspend runs its function and gives back its value
    await expect(display.suspend(() => 42)).resolves.toBe(42);
  });
});

describe('the quiet display', () => {
  test('prints notices only', () => {
    const { stream, writes } = recordingStream();
    const display = createProgressDisplay('none', stream);
    display.listener({ type: 'pass.started', target: '/dev/loop0', pass: 1, passes: 1, pattern: '0x00' });
    display.listener({ type: 'notice', target: '/dev/loop0', message: 'created the host signing key' });
    expect(writes).toEqual(['cleanslate: created the host signing key\n']);
  });

  test('a terminal that reports 0 columns gets no spinner (ora would loop forever)', () => {
    const { stream, writes } = recordingStream();
    Object.assign(stream, { isTTY: true, columns: 0 });
    const display = createProgressDisplay('tty', stream);
    display.listener({ type: 'pass.started', target: '/dev/loop0', pass: 1, passes: 1, pattern: '0x00' });
    display.stop();
    expect(writes).toEqual([]);
  });
});
