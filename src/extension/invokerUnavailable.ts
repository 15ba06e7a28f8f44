/** Why an invoker could not run before anything was sent, said to the user as is. `edit` when the form fixes it. */
export class InvokerUnavailable extends Error {
  override readonly name = 'InvokerUnavailable';
  constructor(
    message: string,
    readonly edit: boolean,
  ) {
    super(message);
  }
}
