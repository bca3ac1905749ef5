import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "../../core/errors/mod.ts";
import { tempBotHome } from "../lifecycle/testing/mod.ts";
import { makeBottle, queueProposal } from "../supervise/testing/mod.ts";
import { LEAVE_SCREEN, type Terminal } from "../supervise_tui/mod.ts";
import { superviseTuiCommand } from "./supervise_tui.ts";
import { capturedContext } from "./_testing.ts";

const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));

Deno.test("superviseTuiCommand() without a terminal points to the scriptable commands", async () => {
  await using home = await tempBotHome();
  await assert.rejects(superviseTuiCommand(capturedContext(home.env)), (err: unknown) => {
    assert.ok(err instanceof UsageError);
    assert.match(err.message, /needs a terminal.*supervise list\|show\|approve\|reject/);
    return true;
  });
});

Deno.test("superviseTuiCommand() runs the UI on the terminal and returns 0 on q", async () => {
  await using home = await tempBotHome();
  const written: string[] = [];
  const terminal: Terminal = {
    write: (text) => void written.push(text),
    setRaw: () => {},
    size: () => ({ columns: 80, rows: 10 }),
    async *input() {
      await new Promise((resolve) => setTimeout(resolve, 50));
      yield "q";
    },
    onResize: () => () => {},
    onStop: () => () => {},
    close: () => {},
  };
  const ctx = capturedContext(home.env, { tty: true });
  assert.equal(await superviseTuiCommand(ctx, { terminal: () => terminal }), 0);
  assert.match(written.join(""), /bot-bottle supervise/);
  assert.equal(written.at(-1), LEAVE_SCREEN);
});

/** A private tmux server: its own socket, no user config, panes kept after exit. */
class Tmux {
  readonly #socket = `bb-tui-${crypto.randomUUID().slice(0, 8)}`;
  readonly #config: string;

  constructor(config: string) {
    this.#config = config;
  }

  async run(...args: string[]): Promise<string> {
    const out = await new Deno.Command("tmux", {
      args: ["-L", this.#socket, "-f", this.#config, ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    if (!out.success) {
      throw new Error(`tmux ${args[0]} failed: ${new TextDecoder().decode(out.stderr)}`);
    }
    return text;
  }

  async format(format: string): Promise<string> {
    return (await this.run("display-message", "-p", "-t", "tui", format)).trim();
  }

  screen(): Promise<string> {
    return this.run("capture-pane", "-p", "-t", "tui");
  }

  async waitFor(what: string, check: (screen: string) => boolean | Promise<boolean>) {
    const deadline = Date.now() + 15_000;
    let last = "";
    while (Date.now() < deadline) {
      last = await this.screen();
      if (await check(last)) return last;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`timed out waiting for ${what}; the pane shows:\n${last}`);
  }

  async kill(): Promise<void> {
    await this.run("kill-server").catch(() => {});
  }
}

Deno.test("bot-bottle supervise drives a real terminal: list, diff, reject, approve, resize, quit", async () => {
  await using home = await tempBotHome();
  await makeBottle(home.paths, "aa-1");
  const routes = await queueProposal(home.paths, "aa-1");
  const dockerfile = await queueProposal(home.paths, "aa-1", {
    tool: "capability-block",
    proposed_file: "FROM debian\nRUN apt-get install -y jq\n",
    justification: "needs jq",
  });
  const config = await home.write("tmux.conf", "set -g remain-on-exit on\n");
  const tmux = new Tmux(config);
  try {
    await tmux.run(
      "new-session",
      "-d",
      "-x",
      "100",
      "-y",
      "30",
      "-s",
      "tui",
      "-c",
      dirname(MAIN),
      "-e",
      `BOT_BOTTLE_HOME=${home.paths.root}`,
      "-e",
      "USER=tmux-op",
      "--",
      Deno.execPath(),
      "run",
      "-q",
      "-P=cli",
      MAIN,
      "supervise",
    ); // deno-fmt-ignore

    const list = await tmux.waitFor("the list", (s) => s.includes("2 pending"));
    assert.match(list, new RegExp(`${routes.id.slice(0, 8)} {2}aa-1 +egress-allow .*npm install`));
    assert.match(list, new RegExp(`${dockerfile.id.slice(0, 8)} {2}aa-1 +capability-block`));
    assert.equal(await tmux.format("#{alternate_on}"), "1");

    await tmux.run("send-keys", "-t", "tui", "Enter");
    const detail = await tmux.waitFor(
      "the diff",
      (s) => s.includes("+  - host: registry.npmjs.org"),
    );
    assert.match(detail, /Diff against the live routes file:/);
    assert.match(detail, /Justification:\n {2}npm install needs the registry\n {2}second line/);

    await tmux.run("send-keys", "-t", "tui", "Escape");
    await tmux.waitFor("the list again", (s) => s.includes("↑↓/jk move"));
    await tmux.run("send-keys", "-t", "tui", "r");
    await tmux.waitFor("the prompt", (s) => s.includes("Reason to reject"));
    await tmux.run("send-keys", "-t", "tui", "-l", "too broad");
    await tmux.run("send-keys", "-t", "tui", "Enter");
    const response = join(home.paths.queueDir("aa-1"), `${routes.id}.response.json`);
    await tmux.waitFor("the rejection", (s) => s.includes(`rejected ${routes.id.slice(0, 8)}`));
    assert.deepEqual(JSON.parse(await Deno.readTextFile(response)), {
      status: "rejected",
      notes: "too broad",
    });

    // The answered proposal's selection is cleared, not moved: choose the next one, then approve.
    await tmux.run("send-keys", "-t", "tui", "j");
    await tmux.run("send-keys", "-t", "tui", "a");
    await tmux.waitFor("the approval", (s) => s.includes(`approved ${dockerfile.id.slice(0, 8)}`));
    const approved = join(home.paths.stateDir("aa-1"), "image", "Dockerfile");
    assert.equal(await Deno.readTextFile(approved), "FROM debian\nRUN apt-get install -y jq\n");

    const late = await queueProposal(home.paths, "aa-1", { justification: "late arrival" });
    await tmux.waitFor(
      "the highlighted arrival",
      (s) => /NEW {2}\w{8} {2}aa-1 .*late arrival/.test(s),
    );

    await tmux.run("resize-window", "-t", "tui", "-x", "60", "-y", "20");
    const small = await tmux.waitFor("the redraw at 60x20", (s) => {
      const rows = s.split("\n");
      return rows.length >= 20 && (rows[19] ?? "").startsWith("↑↓/jk move") &&
        (rows[19] ?? "").endsWith("…");
    });
    for (const row of small.split("\n")) assert.ok(Array.from(row).length <= 60, row);
    assert.match(small, new RegExp(late.id.slice(0, 8)));

    await tmux.run("send-keys", "-t", "tui", "q");
    // remain-on-exit keeps the dead pane, so what it shows after the exit can be captured. (tmux
    // notes the exit status only once it reaps the process, which can lag: the unit tests check
    // the status.)
    await tmux.waitFor(
      "the exit",
      async () =>
        (await tmux.run("display-message", "-p", "-t", "tui", "#{pane_dead}")).trim() === "1",
    );
    const after = await tmux.screen();
    assert.equal(await tmux.format("#{alternate_on}"), "0");
    assert.doesNotMatch(after, /bot-bottle supervise|↑↓/);
  } finally {
    await tmux.kill();
  }
});
