// Where the RPC layer reports what it drops (a bug, never user input). Hosts pass their logger (the
// engine's Logger fits); the default writes one line to stderr, as the engine's default logger does.
export interface RpcLog {
  error(message: string): void;
}

export const stderrLog: RpcLog = { error: (message) => void process.stderr.write(`${message}\n`) };
