import type { Command } from 'commander';
import { verifyAuditChain } from '../../modules/audit/index.js';
import { configFromEnvironment } from '../environment.js';
import { action, ExitCode, out } from '../output.js';
import { withServices } from '../services.js';

/** `gatehouse audit verify`: checks the audit log's hash chain (SEC-AUD-02). */
export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('Check the tamper-evident audit log');

  audit
    .command('verify')
    .description(
      'Walk the audit log in order and check every link of its hash chain. Prints "ok: N events, chain intact" ' +
        'and exits 0, or names the first event whose content or link does not match ("broken at event #ID: reason") ' +
        'and exits 1. Events removed from the end of the log leave no broken link; compare the count with a ' +
        'previous run or an export to notice that.',
    )
    .action(
      action(async () => {
        const config = configFromEnvironment();
        await withServices(config, async ({ deps }) => {
          const verdict = await verifyAuditChain(deps);
          if (verdict.ok) {
            out(`ok: ${verdict.count} event${verdict.count === 1 ? '' : 's'}, chain intact`);
            return;
          }
          out(`broken at event #${verdict.brokenAt}: ${verdict.reason}`);
          process.exitCode = ExitCode.refused;
        });
      }),
    );
}
