// `.env` in the working directory, read once at start when present. Variables already in the
// environment win over the file (Node's loadEnvFile never overwrites), so a deployment's real
// settings cannot be shadowed by a stray file.
/** Loads `path` into process.env; false when there is no such file. Other errors are thrown. */
export function loadEnvFile(path = ".env"): boolean {
  try {
    process.loadEnvFile(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}
