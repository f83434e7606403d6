// k6 provides `console` in every script; @types/k6 does not declare it (and lib "dom" would bring browser
// globals k6 lacks, so it is declared here alone).
declare const console: { log(...args: unknown[]): void; warn(...args: unknown[]): void; error(...args: unknown[]): void }
