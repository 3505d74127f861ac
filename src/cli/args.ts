/** Command-line flags of the npm scripts: `--name value` or `--name=value`. */
export function argValue(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  if (i >= 0) return argv[i + 1];
  return argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

/** The `--site` flag, checked against the configured sites. */
export function siteFlag(argv: readonly string[], configured: readonly string[], required: boolean): string | undefined {
  const site = argValue(argv, 'site');
  if (site === undefined && required) throw new Error(`--site is required; configured: ${configured.join(', ')}`);
  if (site !== undefined && !configured.includes(site)) throw new Error(`unknown site "${site}"; configured: ${configured.join(', ')}`);
  return site;
}

/** Runs a command's `main`, whose result is the exit code; an error is one line on stderr and exit code 1. */
export function runCli(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`${name}: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
