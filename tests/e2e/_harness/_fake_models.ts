/**
 * Fake model APIs for the provider end-to-end tests, served by the test internet's upstream
 * (`_upstream_server.ts` imports this file; nothing else does, so it imports nothing). They speak
 * the real wire formats well enough for the real CLIs: the Anthropic Messages API
 * (`POST /v1/messages`, SSE streaming, tool use) and the OpenAI Responses API
 * (`POST /v1/responses` and ChatGPT's `/backend-api/codex/responses`, SSE).
 *
 * The fake model plays one scripted task, decided from the conversation so far:
 * 1. a user message containing {@link TASK_ONE}: call the supervise tool `list-egress-routes`;
 * 2. after that tool's result: write {@link RESULT_FILE} in the working directory with
 *    {@link RESULT_CONTENT} (Claude's `Write` tool; Codex's shell tool);
 * 3. after that: answer {@link DONE_TEXT}.
 * Any other prompt gets a plain text answer ({@link PLAIN_TEXT}); a request offering no tools (a
 * CLI's side request) gets "ok".
 */

/** What starts the scripted task. */
export const TASK_ONE = "BOT-BOTTLE-TASK-ONE";
/** The file the fake model has the agent write, relative to its working directory. */
export const RESULT_FILE = "fake-model-result.txt";
/** What it writes there. */
export const RESULT_CONTENT = "written by the fake model";
/** The final answer of the scripted task. */
export const DONE_TEXT = "FAKE-MODEL-DONE";
/** The answer to any other prompt. */
export const PLAIN_TEXT = "FAKE-MODEL-PLAIN";
/** The hosts whose every path this module answers (world.ts's MODEL_API_HOSTS; this file imports nothing). */
const MODEL_HOSTS = ["api.anthropic.com", "api.openai.com", "chatgpt.com"];
/** The supervise tool the first turn calls. */
export const SUPERVISE_TOOL = "list-egress-routes";

type Json = Record<string, unknown>;
type Log = (record: Json) => void;

/**
 * Answer a model API request, or `undefined` when the path is not one.
 *
 * @param req The request.
 * @param url Its URL.
 * @param log Logs `{event: "model", at, api, host, path, headers, body}` for each request.
 * @returns The response.
 */
export async function fakeModels(req: Request, url: URL, log: Log): Promise<Response | undefined> {
  const path = url.pathname;
  const api = path === "/v1/messages"
    ? "anthropic"
    : path.endsWith("/responses")
    ? "openai"
    : undefined;
  if (api === undefined || req.method !== "POST") {
    // Anything else on a model host (settings, limits, model lists) is not there, as an API says
    // it, so a CLI moves on instead of retrying a page it cannot parse.
    const host = (req.headers.get("host") ?? url.host).replace(/:\d+$/, "");
    if (!MODEL_HOSTS.includes(host)) return undefined;
    log({ event: "model-other", at: Date.now(), host, method: req.method, path });
    return Response.json({ type: "error", error: { type: "not_found_error", message: path } }, {
      status: 404,
    });
  }
  const text = await req.text();
  let body: Json;
  try {
    body = JSON.parse(text) as Json;
  } catch {
    return new Response("bad json", { status: 400 });
  }
  log({
    event: "model",
    at: Date.now(),
    api,
    host: req.headers.get("host") ?? url.host,
    path,
    headers: Object.fromEntries(req.headers),
    body,
  });
  return api === "anthropic" ? anthropic(body) : openai(body);
}

/** What the fake model does next. */
type Turn =
  | { kind: "text"; text: string }
  | { kind: "tool"; name: string; input: Json | string };

/** Where the conversation stands, as each API's adapter reads it. */
interface Conversation {
  /** The latest user prompt (not a tool result). */
  prompt: string;
  /** The tool whose result ends the conversation; none when it ends with the prompt. */
  answered: string | undefined;
  /** Names of the tools offered. */
  tools: string[];
}

/** The tool calls each API's adapter knows how to make. */
interface Calls {
  /** Call the supervise tool (directly, or through a tool search or a code cell). */
  supervise(): Turn | undefined;
  /** Write {@link RESULT_FILE}. */
  write(): Turn | undefined;
}

/** The script. */
function nextTurn(conversation: Conversation, calls: Calls): Turn {
  const { prompt, answered, tools } = conversation;
  if (tools.length === 0) return { kind: "text", text: "ok" };
  if (!prompt.includes(TASK_ONE)) return { kind: "text", text: PLAIN_TEXT };
  const offered = `among: ${tools.join(", ")}`;
  if (answered === undefined || answered === "ToolSearch") {
    return calls.supervise() ?? { kind: "text", text: `no ${SUPERVISE_TOOL} ${offered}` };
  }
  if (answered === SUPERVISE_TOOL) {
    return calls.write() ?? { kind: "text", text: `no tool to write a file ${offered}` };
  }
  return { kind: "text", text: DONE_TEXT };
}

function anthropic(body: Json): Response {
  const messages = (body.messages ?? []) as Json[];
  const tools = ((body.tools ?? []) as Json[]).map((t) => String(t.name));
  const whole = JSON.stringify(body);
  const turn = nextTurn(anthropicConversation(messages, tools), {
    supervise() {
      const name = tools.find((t) => t.endsWith(SUPERVISE_TOOL));
      if (name !== undefined) return { kind: "tool", name, input: {} };
      // Deferred tools are named in the prompt and loaded with ToolSearch, as a model would.
      const deferred = new RegExp(`mcp__[A-Za-z0-9_-]+__${SUPERVISE_TOOL}`).exec(whole)?.[0];
      if (deferred === undefined || !tools.includes("ToolSearch")) return undefined;
      return { kind: "tool", name: "ToolSearch", input: { query: `select:${deferred}` } };
    },
    write() {
      if (!tools.includes("Write")) return undefined;
      const path = `${cwdOf(whole)}/${RESULT_FILE}`;
      return { kind: "tool", name: "Write", input: { file_path: path, content: RESULT_CONTENT } };
    },
  });
  const id = `msg_${crypto.randomUUID().replaceAll("-", "")}`;
  const model = String(body.model ?? "claude-fake");
  const block = turn.kind === "text"
    ? { type: "text", text: turn.text }
    : { type: "tool_use", id: `toolu_${id.slice(4, 28)}`, name: turn.name, input: turn.input };
  const stop = turn.kind === "text" ? "end_turn" : "tool_use";
  if (body.stream !== true) {
    return Response.json({
      id,
      type: "message",
      role: "assistant",
      model,
      content: [block],
      stop_reason: stop,
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 5 },
    });
  }
  const start = turn.kind === "text"
    ? { type: "text", text: "" }
    : { type: "tool_use", id: (block as Json).id, name: turn.name, input: {} };
  const delta = turn.kind === "text"
    ? { type: "text_delta", text: turn.text }
    : { type: "input_json_delta", partial_json: JSON.stringify(turn.input) };
  return sse([
    ["message_start", {
      type: "message_start",
      message: {
        id,
        type: "message",
        role: "assistant",
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 10, output_tokens: 1 },
      },
    }],
    ["content_block_start", { type: "content_block_start", index: 0, content_block: start }],
    ["ping", { type: "ping" }],
    ["content_block_delta", { type: "content_block_delta", index: 0, delta }],
    ["content_block_stop", { type: "content_block_stop", index: 0 }],
    ["message_delta", {
      type: "message_delta",
      delta: { stop_reason: stop, stop_sequence: null },
      usage: { output_tokens: 5 },
    }],
    ["message_stop", { type: "message_stop" }],
  ]);
}

/** The latest user message decides: a tool result answers a call, anything else prompts. */
function anthropicConversation(messages: Json[], tools: string[]): Conversation {
  const users = messages.filter((m) => m.role === "user");
  const blocks = (m: Json | undefined): Json[] =>
    Array.isArray(m?.content) ? m.content as Json[] : [{ type: "text", text: m?.content ?? "" }];
  const last = users.at(-1);
  const result = blocks(last).find((b) => b.type === "tool_result");
  const prompted = [...users].reverse().find((m) =>
    !blocks(m).some((b) => b.type === "tool_result")
  );
  let answered: string | undefined;
  if (result !== undefined) {
    const call = messages.flatMap(blocks).find((b) =>
      b.type === "tool_use" && b.id === result.tool_use_id
    );
    const name = String(call?.name ?? "unknown");
    answered = name.endsWith(SUPERVISE_TOOL) ? SUPERVISE_TOOL : name;
  }
  return { prompt: JSON.stringify(prompted ?? ""), answered, tools };
}

/** Claude Code states its working directory in the system prompt. */
function cwdOf(whole: string): string {
  return /Primary working directory: ([^\s\\]+)/.exec(whole)?.[1] ?? "/home/agent/workspace";
}

/**
 * Codex offers its tools either as functions or, in code mode, as one `exec` custom tool that
 * runs JavaScript calling the others (`tools.<name>(…)`, all of them listed in `ALL_TOOLS`).
 */
function openai(body: Json): Response {
  const input = (body.input ?? []) as Json[];
  const tools = offeredTools([...((body.tools ?? []) as Json[]), ...input]);
  const codeMode = tools.includes("exec");
  const write = `printf '%s' '${RESULT_CONTENT}' > ${RESULT_FILE}`;
  const turn = nextTurn(openaiConversation(input, tools), {
    supervise() {
      if (codeMode) {
        return {
          kind: "tool",
          name: "exec",
          input: [
            `const t = ALL_TOOLS.find((t) => t.name.includes("list_egress_routes") || ` +
            `t.name.includes("${SUPERVISE_TOOL}"));`,
            `if (!t) { text("no ${SUPERVISE_TOOL}: " + ALL_TOOLS.map((t) => t.name).join(", ")); exit(); }`,
            `text(JSON.stringify(await tools[t.name]({})));`,
          ].join("\n"),
        };
      }
      const name = tools.find((t) =>
        t.endsWith(SUPERVISE_TOOL) || t.endsWith("list_egress_routes")
      );
      return name === undefined ? undefined : { kind: "tool", name, input: {} };
    },
    write() {
      if (codeMode) {
        const args = JSON.stringify({ cmd: write });
        return {
          kind: "tool",
          name: "exec",
          input: `text(JSON.stringify(await tools.exec_command(${args})));`,
        };
      }
      if (tools.includes("exec_command")) {
        return { kind: "tool", name: "exec_command", input: { cmd: write } };
      }
      if (tools.includes("shell")) {
        return { kind: "tool", name: "shell", input: { command: ["bash", "-lc", write] } };
      }
      return undefined;
    },
  });
  const id = `resp_${crypto.randomUUID().replaceAll("-", "")}`;
  const callId = `call_${id.slice(5, 29)}`;
  const item = turn.kind === "text"
    ? {
      type: "message",
      id: `msg_${id.slice(5)}`,
      role: "assistant",
      status: "completed",
      content: [{ type: "output_text", text: turn.text, annotations: [] }],
    }
    : typeof turn.input === "string"
    ? {
      type: "custom_tool_call",
      id: `ctc_${id.slice(5)}`,
      call_id: callId,
      name: turn.name,
      input: turn.input,
      status: "completed",
    }
    : {
      type: "function_call",
      id: `fc_${id.slice(5)}`,
      call_id: callId,
      name: turn.name,
      arguments: JSON.stringify(turn.input),
      status: "completed",
    };
  const response = { id, object: "response", status: "in_progress", model: body.model, output: [] };
  const events: [string, Json][] = [
    ["response.created", { type: "response.created", response }],
    ["response.output_item.added", { type: "response.output_item.added", output_index: 0, item }],
  ];
  if (turn.kind === "text") {
    events.push(["response.output_text.delta", {
      type: "response.output_text.delta",
      item_id: item.id,
      output_index: 0,
      content_index: 0,
      delta: turn.text,
    }]);
  }
  events.push(
    ["response.output_item.done", { type: "response.output_item.done", output_index: 0, item }],
    ["response.completed", {
      type: "response.completed",
      response: {
        ...response,
        status: "completed",
        output: [item],
        usage: {
          input_tokens: 10,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: 5,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: 15,
        },
      },
    }],
  );
  return sse(events);
}

/** Tool names, nested namespaces included. */
function offeredTools(items: Json[]): string[] {
  return items.flatMap((item) => {
    const nested = Array.isArray(item.tools) ? offeredTools(item.tools as Json[]) : [];
    const own = item.type === "function" || item.type === "custom" ? [String(item.name)] : [];
    return [...own, ...nested];
  });
}

/** The last input item decides: a call's output answers it, a user message prompts. */
function openaiConversation(input: Json[], tools: string[]): Conversation {
  const last = input.at(-1);
  const prompted = [...input].reverse().find((i) => i.type === "message" && i.role === "user");
  let answered: string | undefined;
  if (last?.type === "function_call_output" || last?.type === "custom_tool_call_output") {
    const call = input.find((i) =>
      (i.type === "function_call" || i.type === "custom_tool_call") && i.call_id === last.call_id
    );
    const said = `${call?.name ?? ""} ${call?.input ?? ""}`;
    answered = said.includes(SUPERVISE_TOOL) || said.includes("list_egress_routes")
      ? SUPERVISE_TOOL
      : String(call?.name ?? "unknown");
  }
  return { prompt: JSON.stringify(prompted ?? ""), answered, tools };
}

function sse(events: [string, Json][]): Response {
  const text = events.map(([name, data]) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`)
    .join("");
  return new Response(text, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
  });
}
