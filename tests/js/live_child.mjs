// `huracan live` as a child process of the node drivers (live_loop_e2e.mjs, live_telegram_outage.mjs):
// its output collected as it comes, its status page's address, and a failure that shows its stderr.
import {spawn} from 'node:child_process';
import {waitFor} from './fake_telegram.mjs';

export class LiveChild {
  // `args`: the arguments after `live`.
  constructor(binary, args, env, cwd) {
    this.out = '';
    this.err = '';
    this.child = spawn(binary, ['live', ...args], {env, cwd, stdio: ['ignore', 'pipe', 'pipe']});
    this.child.stdout.on('data', (d) => (this.out += d));
    this.child.stderr.on('data', (d) => (this.err += d));
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({code, signal})));
  }

  // http://HOST:PORT of `--serve`, once the runner has announced it.
  statusPage(ms = 15000) {
    return waitFor('the status page', () => {
      const m = /status page on (http:\/\/[\d.]+:\d+)/.exec(this.err);
      return m && m[1];
    }, ms);
  }

  // Runs the checks in `body`; when one fails, kills the runner and prints the end of its stderr.
  // `cleanup` runs in any case.
  async check(body, cleanup) {
    try {
      return await body();
    } catch (e) {
      this.child.kill('SIGKILL');
      console.log(`stderr of huracan live:\n${this.err.slice(-4000)}`);
      throw e;
    } finally {
      await cleanup();
    }
  }
}
