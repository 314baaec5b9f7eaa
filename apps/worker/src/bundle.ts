import { bundleWorkflowCode } from '@temporalio/worker';
import { writeFileSync } from 'node:fs';
import { WORKFLOWS_PATH } from './worker';

/** Prebuilds the workflow bundle so a production worker starts without running webpack. */
async function main(): Promise<void> {
  const out = process.argv[2] ?? 'dist/workflow-bundle.js';
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH });
  writeFileSync(out, code);
  console.log(`workflow bundle written to ${out} (${code.length} bytes)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
