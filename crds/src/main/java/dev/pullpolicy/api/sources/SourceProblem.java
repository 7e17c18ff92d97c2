package dev.pullpolicy.api.sources;

import dev.pullpolicy.api.conditions.SourceValidReason;

/**
 * Why a source Secret cannot be used. The reason is one of the False reasons of the SourceValid
 * condition (there is one list of them: {@link SourceValidReason}); the message is one line that
 * names the Secret and the problem, never its data.
 */
public class SourceProblem extends Exception {
  private final SourceValidReason reason;

  public SourceProblem(SourceValidReason reason, String message) {
    super(message, null, false, false);
    if (reason == SourceValidReason.SourcesValid) {
      throw new IllegalArgumentException("SourcesValid is not a problem");
    }
    this.reason = reason;
  }

  public SourceValidReason reason() {
    return reason;
  }
}
