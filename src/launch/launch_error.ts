/** A launch step found the bottle unfit to run the agent. */
export class LaunchError extends Error {
  /**
   * @param message What is wrong and what to do about it.
   * @param options The underlying error, when there is one.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "LaunchError";
  }
}
