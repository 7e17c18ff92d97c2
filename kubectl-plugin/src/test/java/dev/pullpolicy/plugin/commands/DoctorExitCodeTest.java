package dev.pullpolicy.plugin.commands;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.plugin.diagnose.Doctor.Lacking;
import dev.pullpolicy.plugin.diagnose.Finding;
import dev.pullpolicy.plugin.diagnose.Finding.Controller;
import dev.pullpolicy.plugin.diagnose.Finding.NoPullSecret;
import dev.pullpolicy.plugin.diagnose.Finding.PodPredatesServiceAccount;
import dev.pullpolicy.plugin.diagnose.Repairs.Action;
import dev.pullpolicy.plugin.diagnose.Repairs.Done;
import dev.pullpolicy.plugin.diagnose.Repairs.Outcome;
import dev.pullpolicy.plugin.diagnose.Repairs.Repair;
import dev.pullpolicy.plugin.print.DoctorPrinter.Fixes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When {@code doctor} (with or without {@code --fix}) exits 0: nothing is left to do. */
class DoctorExitCodeTest {

  private static final Controller RS = new Controller("apps/v1", "ReplicaSet", "web", "rs");

  private static Finding finding(String pod, Finding.Cause cause) {
    return new Finding("team", pod, "app", "r.io/app:1", "ImagePullBackOff", null, cause);
  }

  private static Finding predates(String pod) {
    return finding(pod, new PodPredatesServiceAccount("default", List.of("acme"), RS));
  }

  private static Done deleted(String pod, Outcome outcome) {
    return new Done(new Repair("team", pod, "uid", Action.DELETE, RS, null), outcome, null);
  }

  @Test
  void healthyOnlyWhenNothingIsLeftToDo() {
    assertThat(DoctorCommand.healthy(List.of(), List.of(), null)).isTrue();
    assertThat(DoctorCommand.healthy(List.of(predates("a")), List.of(), null)).isFalse();
    assertThat(
            DoctorCommand.healthy(
                List.of(),
                List.of(new Lacking("team", "default", "acme", "acme")),
                new Fixes(List.of(), false)))
        .as("a ServiceAccount without its entry is not doctor's to fix")
        .isFalse();

    assertThat(
            DoctorCommand.healthy(
                List.of(predates("a"), predates("b")),
                List.of(),
                new Fixes(
                    List.of(deleted("a", Outcome.DELETED), deleted("b", Outcome.GONE)), false)))
        .as("every stuck Pod deleted: its controller makes a new one")
        .isTrue();
    assertThat(
            DoctorCommand.healthy(
                List.of(predates("a")),
                List.of(),
                new Fixes(List.of(deleted("a", Outcome.WOULD_DELETE)), true)))
        .as("a dry run fixes nothing")
        .isFalse();
    assertThat(
            DoctorCommand.healthy(
                List.of(predates("a")),
                List.of(),
                new Fixes(List.of(deleted("a", Outcome.FORBIDDEN)), false)))
        .isFalse();
    assertThat(
            DoctorCommand.healthy(
                List.of(
                    predates("a"),
                    finding("a", new NoPullSecret("default", true, "r.io", List.of(), true))),
                List.of(),
                new Fixes(List.of(deleted("a", Outcome.DELETED)), false)))
        .as("another cause remains")
        .isFalse();
  }
}
