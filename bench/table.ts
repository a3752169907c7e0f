import type { DatabaseKind } from "../tests/harness/databases";
import type { Load } from "./lib/load";
import type { Line } from "./more";
import type { BenchSettings, Measured, Results, Row } from "./side-by-side";

export interface Ceilings {
  http: Load;
  /** Raw driver conditional UPDATEs per second, per database. */
  raw: Map<DatabaseKind, number>;
}

export interface Report {
  settings: BenchSettings;
  kinds: DatabaseKind[];
  /** Each row: the median over the rounds. */
  results: Map<DatabaseKind, Results>;
  /** Every round as measured, for the targets' spread. */
  perRound: Map<DatabaseKind, Results[]>;
  ceilings: Ceilings;
  more: Line[];
  /** Extra tables (alert firing), already formatted. */
  extra?: string[];
  quick: boolean;
  minutes: number;
}

const LABEL: Record<DatabaseKind, string> = { sqlite: "SQLite", postgresql: "PostgreSQL" };

interface TableRow {
  what: string;
  row?: Row;
  /** The row this one is compared with: throughput ratio (and p99 ratio when `tail`). */
  versus?: Row;
  /** A second yardstick: throughput ratio to this row too. */
  alsoVersus?: Row;
  tail?: boolean;
  /** A ratio of p99s instead (reads beside a storm vs idle). */
  p99Versus?: Row;
}

const TABLE: TableRow[] = [
  { what: "peer: tRPC standalone, no-op query", row: "peer.noop" },
  { what: "peer: + one Prisma upsert per save, 32 users", row: "peer.save32" },
  { what: "peer: + one Prisma upsert per save, 1 user/1 key", row: "peer.save1" },
  { what: "peer: naive read-then-write, 1 user/1 key", row: "peer.naive1" },
  { what: "VO stack: authed no-op query, 32 users", row: "vo.noop", versus: "peer.noop" },
  { what: "VO account.me, 32 users", row: "vo.me", versus: "peer.noop", alsoVersus: "vo.noop" },
  { what: "VO settings.get, 32 users", row: "vo.get", versus: "peer.noop", alsoVersus: "vo.noop" },
  { what: "VO settings.set, 32 users", row: "vo.set32", versus: "peer.save32", tail: true },
  { what: "VO settings.set, 1 user/1 key", row: "vo.set1", versus: "peer.save1", tail: true },
  { what: "peer reads (4 conns, 100/s), idle", row: "peer.readIdle" },
  { what: "peer reads beside its save storm (32 conns, closed loop)", row: "peer.readStorm", p99Versus: "peer.readIdle" },
  { what: "peer reads beside saves at half its save rate", row: "peer.readHalf", p99Versus: "peer.readIdle" },
  { what: "VO settings.get (4 conns, 100/s), idle", row: "vo.readIdle" },
  { what: "VO settings.get beside a settings.set storm (32 conns)", row: "vo.readStorm", p99Versus: "vo.readIdle" },
  { what: "VO settings.get beside settings.set at half its rate", row: "vo.readHalf", p99Versus: "vo.readIdle" },
  { what: "raw driver point read (own connection, 100/s), idle", row: "raw.readIdle" },
  { what: "raw driver point read beside the settings.set storm", row: "raw.readStorm", p99Versus: "raw.readIdle" },
];

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const ratio = (a: number, b: number | undefined) => (b ? `${(a / b).toFixed(2)}×` : "—");

function cells(r: Results, t: TableRow): string[] {
  const m = t.row ? r[t.row] : undefined;
  if (!m) return ["", "", "", "", ""];
  let versus = "";
  const other = t.versus ? r[t.versus] : undefined;
  if (other) versus = `${ratio(m.rps, other.rps)}${t.tail ? ` (p99 ${ratio(m.p99, other.p99)})` : ""}`;
  const also = t.alsoVersus ? r[t.alsoVersus] : undefined;
  if (also) versus += ` (VO no-op ${ratio(m.rps, also.rps)})`;
  const idle = t.p99Versus ? r[t.p99Versus] : undefined;
  if (idle) versus = m.ok === 0 ? "no answer in the run" : `p99 ${ratio(m.p99, idle.p99)} idle`;
  const errors = m.errors > 0 ? ` !${m.errors} err` : "";
  return [`${int(m.rps)}${errors}`, `${m.p50}`, `${m.p99}`, m.cpuUs === undefined ? "" : int(m.cpuUs), versus];
}

function render(header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? "").length)));
  const line = (cols: string[]) => cols.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

export function printTables(report: Report) {
  const { settings: s, kinds, results } = report;
  const out: string[] = [];
  out.push(
    `\nVirtual Office beside a t3-style peer — ${s.seconds} s per run${s.warmup ? ` after ${s.warmup} s warm-up` : ""}, ${s.connections} connections, one server process each (API only)${report.quick ? ", BENCH_QUICK" : ""}`,
    `Each figure is the median of ${rounds(report)} round(s), every round with fresh servers and databases.`,
  );
  out.push("Ratios compare with the peer measured in the same run; absolute figures move with the machine's load.");
  out.push("CPU µs/req: the server process's CPU time per answered request (work, without the queueing).");
  out.push("VO stack no-op: bench/noop/server.ts, the app's tRPC handler, context, session cache and authed middlewares, no database.\n");

  const header = ["what"];
  for (const kind of kinds) header.push(`${LABEL[kind]} req/s`, "p50 ms", "p99 ms", "CPU µs/req", "vs peer");
  const body: string[][] = [];
  const http = report.ceilings.http;
  body.push(["ceiling: empty Node HTTP server", ...kinds.flatMap(() => [int(http.rps), `${http.p50}`, `${http.p99}`, "", ""])]);
  body.push(["ceiling: raw driver conditional UPDATE (ops/s)", ...kinds.flatMap((k) => [int(report.ceilings.raw.get(k) ?? 0), "", "", "", k === "sqlite" ? "1 conn" : "32 clients"])]);
  for (const t of TABLE) body.push([t.what, ...kinds.flatMap((k) => cells(results.get(k) ?? {}, t))]);
  body.push(["RSS under the save storm, VO / peer (MiB)", ...kinds.flatMap((k) => rss(results.get(k) ?? {}))]);
  out.push(render(header, body));

  for (const kind of kinds) {
    const naive = results.get(kind)?.["peer.naive1"];
    if (naive?.note) out.push(`${LABEL[kind]}: peer's naive read-then-write ${naive.note}.`);
  }
  out.push("", "Targets (issue 13):", ...targets(report));
  for (const table of report.extra ?? []) out.push("", table);
  if (report.more.length > 0) {
    out.push("", "Further figures:");
    const width = Math.max(...report.more.map((r) => r[0].length));
    for (const [name, rate, detail] of report.more) out.push(`${name.padEnd(width)}  ${rate.padStart(18)}  ${detail}`);
  }
  out.push("", `(${report.minutes.toFixed(1)} minutes)`);
  console.log(out.join("\n"));
}

function rss(r: Results): string[] {
  const vo = r["vo.set32"]?.rssMiB;
  const peer = r["peer.save32"]?.rssMiB;
  return [vo && peer ? `${int(vo)} / ${int(peer)}` : "", "", "", "", vo && peer ? ratio(vo, peer) : ""];
}

function rounds(report: Report): number {
  return Math.max(1, ...[...report.perRound.values()].map((r) => r.length));
}

function targets(report: Report): string[] {
  const lines: string[] = [];
  for (const kind of report.kinds) {
    lines.push(...targetsOf(kind, report.results.get(kind) ?? {}, report.perRound.get(kind) ?? []));
  }
  return lines;
}

/** Each target on the medians, then (with several rounds) its value in every round. */
function targetsOf(kind: DatabaseKind, medians: Results, rounds: Results[]): string[] {
  const lines: string[] = [];
  const spread = rounds.length > 1 ? rounds.map((round) => evaluate(kind, round, () => {})) : [];
  evaluate(kind, medians, (line, index) =>
    lines.push(spread.length > 0 ? `${line}   rounds: ${spread.map((values) => values[index] ?? "—").join(", ")}` : line),
  );
  return lines;
}

/** Calls `emit` with each target's line; returns each target's value as text, in order. */
function evaluate(kind: DatabaseKind, r: Results, emit: (line: string, index: number) => void): string[] {
  const values: string[] = [];
  const check = (what: string, value: number | undefined, goal: string, met: boolean | undefined) => {
    values.push(value === undefined ? "—" : value.toFixed(2));
    emit(`  ${LABEL[kind].padEnd(10)} ${what.padEnd(48)} ${value === undefined ? "—" : value.toFixed(2).padStart(6)}  (${goal})  ${met === undefined ? "" : met ? "met" : "NOT met"}`, values.length - 1);
  };
  const q = (a?: Measured, b?: Measured, f: (m: Measured) => number = (m) => m.rps) => (a && b ? f(a) / f(b) : undefined);
  const set = q(r["vo.set32"], r["peer.save32"]);
  check("settings.set 32 users ÷ peer upsert, throughput", set, "≥ 1.0", set === undefined ? undefined : set >= 1.0);
  const tail = q(r["vo.set32"], r["peer.save32"], (m) => m.p99);
  check("settings.set 32 users ÷ peer upsert, p99", tail, "≤ 1.5", tail === undefined ? undefined : tail <= 1.5);
  for (const [row, name] of [["vo.get", "settings.get"], ["vo.me", "account.me"]] as const) {
    const v = q(r[row], r["vo.noop"]);
    check(`${name} ÷ no-op query through the VO stack`, v, "≥ 0.7", v === undefined ? undefined : v >= 0.7);
    const p = q(r[row], r["peer.noop"]);
    check(`${name} ÷ the peer's no-op query`, p, "≥ 0.7", p === undefined ? undefined : p >= 0.7);
  }
  for (const [row, name] of [["vo.readStorm", "a write storm"], ["vo.readHalf", "writes at half capacity"]] as const) {
    const answered = r[row] && r[row]!.ok > 0;
    const v = answered ? q(r[row], r["vo.readIdle"], (m) => m.p99) : undefined;
    check(`reads beside ${name} ÷ idle, p99`, v, "≤ 2.0", v === undefined ? (r[row] ? false : undefined) : v <= 2.0);
  }
  return values;
}
