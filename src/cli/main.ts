import { toTesseraError } from '../core/errors.js';
import { UsageError } from './args.js';
import type { CliIo } from './io.js';
import { MODELS_HELP, modelsCommand } from './models-command.js';
import { PALETTE_HELP, paletteCommand } from './palette-command.js';
import { PIXELATE_HELP, pixelateCommand } from './pixelate-command.js';
import { GENERATE_HELP, generateCommand } from './generate-command.js';
import { UPSCALE_HELP, upscaleCommand } from './upscale-command.js';
import { nodeServeDeps, SERVE_HELP, serveCommand } from './serve-command.js';

declare const TESSERA_VERSION: string;

const HELP = `Usage: tessera COMMAND [options]

Commands:
  pixelate IN -o OUT [options]   turn an image into pixel art (tessera pixelate --help)
  generate IN -o OUT --prompt T  AI image over IN with SDXS (needs: tessera models pull sdxs-512-dreamshaper)
  upscale IN -o OUT --scale S    ×2, ×4 or WxH, with detail added by SDXS patch by patch (tessera upscale --help)
  palette list|show|extract      built-in palettes, palette files, palette extraction
  models list|pull|verify|rm     AI models: what is installed, download one (on request only), check, delete
  serve [--port P] [--models …]  serve the installed models over KServe v2 / Triton's protocol (--server URL uses them)

  --help, -h       this help (also after a command)
  --version        the version

Example: tessera pixelate photo.jpg -o sprite.png --grid 64 --palette pico-8 --dither bayer4
`;

const COMMANDS: Record<string, { run: (argv: string[], io: CliIo) => Promise<number> | number; help: string }> = {
  pixelate: { run: pixelateCommand, help: PIXELATE_HELP },
  generate: { run: (argv, io) => generateCommand(argv, io), help: GENERATE_HELP },
  upscale: { run: (argv, io) => upscaleCommand(argv, io), help: UPSCALE_HELP },
  palette: { run: paletteCommand, help: PALETTE_HELP },
  models: { run: modelsCommand, help: MODELS_HELP },
  serve: { run: (argv, io) => serveCommand(argv, io, nodeServeDeps()), help: SERVE_HELP },
};

/**
 * Runs one CLI invocation and returns its exit code: 0 done, 1 it failed (bad input, unreadable
 * file…), 2 it was called wrongly. Failures are one line on stderr, never a stack trace.
 */
export async function runCli(argv: string[], terminal: CliIo): Promise<number> {
  const io = withProgressLine(terminal);
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(HELP);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    io.stdout(`${typeof TESSERA_VERSION === 'string' ? TESSERA_VERSION : 'dev'}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`tessera: unknown command "${name}". Run "tessera --help" for the list.\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(command.help);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`tessera ${name}: ${e.message}\nRun "tessera ${name} --help" for the options.\n`);
      return 2;
    }
    const error = toTesseraError(e);
    io.stderr(`tessera ${name}: ${error.userMessage}\n`);
    if (error.code === 'internal' && process.env.TESSERA_DEBUG) io.stderr(`${(e as Error)?.stack ?? String(e)}\n`);
    return 1;
  } finally {
    io.stderr('');
  }
}

/** On a terminal, progress is one line on stderr that any other output first wipes. */
function withProgressLine(io: CliIo): CliIo {
  if (!io.interactive) return { ...io, progress: undefined };
  let shown = false;
  const clear = () => {
    if (shown) io.stderr('\r\x1b[K');
    shown = false;
  };
  return {
    interactive: true,
    stdout: (text) => { clear(); io.stdout(text); },
    stderr: (text) => { clear(); if (text) io.stderr(text); },
    progress: (text) => { io.stderr(`\r\x1b[K${text}`); shown = true; },
  };
}
