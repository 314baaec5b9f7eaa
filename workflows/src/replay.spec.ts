/**
 * Replays recorded histories of the tranche workflow against the current code. A change that would
 * make a running tranche behave differently on replay (non-determinism) fails here; such a change needs
 * `patched()` or a new workflow type. Histories are recorded by the integration tests with
 * PELEKAN_RECORD_HISTORIES=1 and committed under workflows/histories/.
 */
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(__dirname, '..', 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('workflow replay (tranche and escalation sweep)', () => {
  beforeAll(() => {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  });

  it('has recorded histories to replay', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'worked-example-released.json',
        'held-then-rejected.json',
        'verification-revoked.json',
        'escalation-sweep.json',
      ]),
    );
  });

  it('replays every recorded history deterministically', async () => {
    const histories = files.map((file) => ({
      workflowId: file.replace(/\.json$/, ''),
      history: historyFromJSON(JSON.parse(readFileSync(join(dir, file), 'utf8'))),
    }));
    const results = [];
    for await (const result of Worker.runReplayHistories({ workflowsPath: require.resolve('./index') }, histories)) {
      results.push({ workflowId: result.workflowId, error: result.error?.message });
    }
    expect(results).toEqual(histories.map((h) => ({ workflowId: h.workflowId, error: undefined })));
  }, 120_000);
});
