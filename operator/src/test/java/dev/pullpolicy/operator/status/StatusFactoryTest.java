package dev.pullpolicy.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.api.conditions.ConditionType;
import dev.pullpolicy.api.conditions.FailureReason;
import dev.pullpolicy.api.conditions.ReadyReason;
import dev.pullpolicy.api.conditions.SourceValidReason;
import dev.pullpolicy.api.sources.MergedConfig;
import dev.pullpolicy.api.sources.SourceProblem;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicyStatus;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.operator.admission.AdmissionState;
import dev.pullpolicy.operator.apply.Outcome;
import dev.pullpolicy.operator.apply.Outcome.Result;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusFactoryTest {
  static final MergedConfig CONFIG = new MergedConfig(new byte[0], "h", List.of("r.io"), List.of());

  static StatusFactory at(String instant) {
    return new StatusFactory(Clock.fixed(Instant.parse(instant), ZoneOffset.UTC));
  }

  @Test
  void countsAndConditions() {
    List<Outcome> outcomes =
        List.of(
            new Outcome("a", Result.SYNCED, null, null, 2, 2, true),
            new Outcome("b", Result.CONFLICT, FailureReason.Unmanaged, "m", 0, 0, false),
            new Outcome("c", Result.NONE, null, null, 0, 0, false));
    PullCredentialPolicyStatus s =
        at("2026-01-01T00:00:00Z").synced(null, 3, CONFIG, 1, 1, outcomes);
    assertThat(s.getNamespaces().getSelected()).isEqualTo(2);
    assertThat(s.getNamespaces().getSynced()).isEqualTo(1);
    assertThat(s.getNamespaces().getConflicts()).isEqualTo(1);
    assertThat(s.getNamespaces().getIgnored()).isEqualTo(1);
    assertThat(s.getObservedGeneration()).isEqualTo(3);
    assertThat(s.condition(PullPolicyLabels.CONDITION_READY).getStatus()).isEqualTo("False");
    assertThat(s.condition(PullPolicyLabels.CONDITION_SOURCE_VALID).getStatus()).isEqualTo("True");
    assertThat(s.getFailures())
        .singleElement()
        .satisfies(f -> assertThat(f.getNamespace()).isEqualTo("b"));
  }

  @Test
  void unchangedInputGivesAnEqualStatusAndKeepsTransitionTimes() {
    List<Outcome> first = List.of(new Outcome("a", Result.SYNCED, null, null, 1, 1, true));
    PullCredentialPolicyStatus s1 = at("2026-01-01T00:00:00Z").synced(null, 1, CONFIG, 1, 0, first);
    List<Outcome> quiet = List.of(new Outcome("a", Result.SYNCED, null, null, 1, 1, false));
    PullCredentialPolicyStatus s2 = at("2026-01-01T01:00:00Z").synced(s1, 1, CONFIG, 1, 0, quiet);
    assertThat(s2).isEqualTo(s1);
    PullCredentialPolicyStatus bad =
        at("2026-01-01T02:00:00Z")
            .sourceInvalid(s2, 1, new SourceProblem(SourceValidReason.NoAuths, "no auths"));
    assertThat(bad.condition(PullPolicyLabels.CONDITION_SOURCE_VALID).getLastTransitionTime())
        .isEqualTo("2026-01-01T02:00:00Z");
    assertThat(bad.getNamespaces()).isEqualTo(s2.getNamespaces());
  }

  @Test
  void failuresAreBoundedAndOrdered() {
    List<Outcome> outcomes = new ArrayList<>();
    for (int i = 30; i > 0; i--) {
      outcomes.add(
          new Outcome(
              "ns-%02d".formatted(i), Result.FAILED, FailureReason.Forbidden, "m", 0, 0, false));
    }
    PullCredentialPolicyStatus s =
        at("2026-01-01T00:00:00Z").synced(null, 1, CONFIG, 1, 0, outcomes);
    assertThat(s.getFailures()).hasSize(PullCredentialPolicyStatus.MAX_FAILURES);
    assertThat(s.getFailures().get(0).getNamespace()).isEqualTo("ns-01");
    assertThat(s.getNamespaces().getFailed()).isEqualTo(30);
  }

  @Test
  void registriesAndNotesAreBoundedWithACountOfTheRest() {
    List<String> hosts = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      hosts.add("r%05d.example".formatted(i));
    }
    MergedConfig many =
        new MergedConfig(new byte[0], "h", hosts, List.of("note 1", "note 2"), 4998);
    PullCredentialPolicyStatus s =
        at("2026-01-01T00:00:00Z")
            .synced(
                null,
                1,
                many,
                1,
                0,
                List.of(new Outcome("a", Result.SYNCED, null, null, 1, 1, true)));
    assertThat(s.getRegistries())
        .hasSize(PullCredentialPolicyStatus.MAX_REGISTRIES)
        .startsWith("r00000.example")
        .endsWith("r00099.example");
    assertThat(s.getRegistriesOmitted())
        .isEqualTo(5000 - PullCredentialPolicyStatus.MAX_REGISTRIES);
    assertThat(s.condition(ConditionType.SourceValid).getMessage())
        .isEqualTo("1 source, 5000 registries; note 1; note 2; and 4998 more notes");
    // kept while the sources are unusable
    assertThat(
            at("2026-01-01T00:01:00Z")
                .sourceInvalid(s, 2, new SourceProblem(SourceValidReason.NoAuths, "x"))
                .getRegistriesOmitted())
        .isEqualTo(4900);
    // all listed: nothing omitted, and the field is left out
    assertThat(
            at("2026-01-01T00:00:00Z")
                .synced(null, 1, CONFIG, 1, 0, List.of())
                .getRegistriesOmitted())
        .isNull();
  }

  @Test
  void publishesTheSourceHashAndKeepsItWhileTheSourcesAreUnusable() {
    PullCredentialPolicyStatus s =
        at("2026-01-01T00:00:00Z")
            .synced(
                null,
                1,
                CONFIG,
                1,
                0,
                List.of(new Outcome("a", Result.SYNCED, null, null, 1, 1, true)));
    assertThat(s.getSourceHash()).isEqualTo("h");
    PullCredentialPolicyStatus bad =
        at("2026-01-01T00:01:00Z")
            .sourceInvalid(s, 2, new SourceProblem(SourceValidReason.SourceNotFound, "gone"));
    assertThat(bad.getSourceHash()).isEqualTo("h");
    assertThat(bad.condition(ConditionType.Ready).getReason())
        .isEqualTo(ReadyReason.SourceInvalid.name());
    assertThat(bad.condition(ConditionType.SourceValid).getReason())
        .isEqualTo(SourceValidReason.SourceNotFound.name());
  }

  @Test
  void readyReasonsAreTheEnumsValues() {
    StatusFactory f = at("2026-01-01T00:00:00Z");
    assertThat(
            f.synced(null, 1, CONFIG, 1, 0, List.of()).condition(ConditionType.Ready).getReason())
        .isEqualTo(ReadyReason.NoNamespacesSelected.name());
    assertThat(
            f.synced(
                    null,
                    1,
                    CONFIG,
                    1,
                    0,
                    List.of(new Outcome("a", Result.SYNCED, null, null, 2, 2, false)))
                .condition(ConditionType.Ready)
                .getReason())
        .isEqualTo(ReadyReason.AllSynced.name());
    assertThat(
            f.synced(
                    null,
                    1,
                    CONFIG,
                    1,
                    0,
                    List.of(new Outcome("a", Result.SYNCED, null, null, 2, 1, false)))
                .condition(ConditionType.Ready)
                .getReason())
        .as("a ServiceAccount without the entry")
        .isEqualTo(ReadyReason.NotAllSynced.name());
    assertThat(
            f.synced(null, 1, CONFIG, 1, 0, List.of())
                .condition(ConditionType.SourceValid)
                .getReason())
        .isEqualTo(SourceValidReason.SourcesValid.name());
  }

  @Test
  void admissionIsItsOwnConditionAndReadyDoesNotDependOnIt() {
    List<Outcome> synced = List.of(new Outcome("a", Result.SYNCED, null, null, 1, 1, true));
    StatusFactory f = at("2026-01-01T00:00:00Z");
    PullCredentialPolicyStatus on =
        f.withAdmission(
            f.synced(null, 1, CONFIG, 1, 0, synced), null, 1, AdmissionState.installed());
    assertThat(on.condition(ConditionType.AdmissionActive).getStatus()).isEqualTo("True");
    assertThat(on.condition(ConditionType.AdmissionActive).getReason()).isEqualTo("Installed");

    StatusFactory later = at("2026-01-01T01:00:00Z");
    PullCredentialPolicyStatus off =
        later.withAdmission(
            later.synced(on, 1, CONFIG, 1, 0, synced), on, 1, AdmissionState.apiUnavailable());
    assertThat(off.condition(ConditionType.AdmissionActive).getStatus()).isEqualTo("False");
    assertThat(off.condition(ConditionType.AdmissionActive).getReason())
        .isEqualTo("ApiUnavailable");
    assertThat(off.condition(ConditionType.AdmissionActive).getLastTransitionTime())
        .isEqualTo("2026-01-01T01:00:00Z");
    assertThat(off.condition(ConditionType.Ready))
        .as("Ready, unchanged by admission")
        .isEqualTo(on.condition(ConditionType.Ready));
    assertThat(off.getConditions()).hasSize(3);

    // the same answer again: an equal status, so nothing is written
    PullCredentialPolicyStatus again =
        later.withAdmission(
            later.synced(off, 1, CONFIG, 1, 0, synced), off, 1, AdmissionState.apiUnavailable());
    assertThat(again).isEqualTo(off);
  }
}
