package dev.pullpolicy.plugin.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.plugin.cli.OutputOptions.Format;
import dev.pullpolicy.plugin.cli.Style;
import dev.pullpolicy.plugin.diagnose.Finding.Controller;
import dev.pullpolicy.plugin.diagnose.Finding.NoPullSecret;
import dev.pullpolicy.plugin.diagnose.Finding.PodPredatesServiceAccount;
import dev.pullpolicy.plugin.diagnose.Repairs.Action;
import dev.pullpolicy.plugin.diagnose.Repairs.Done;
import dev.pullpolicy.plugin.diagnose.Repairs.Outcome;
import dev.pullpolicy.plugin.diagnose.Repairs.OwnerRead;
import dev.pullpolicy.plugin.diagnose.Repairs.Repair;
import dev.pullpolicy.plugin.print.DoctorPrinter;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RepairsTest {

  private static final Controller RS = new Controller("apps/v1", "ReplicaSet", "web-7f9", "rs-1");

  private static Finding predates(String pod, Controller c) {
    return new Finding(
        "team",
        pod,
        "app",
        "registry.acme.io/app:1",
        "ImagePullBackOff",
        null,
        new PodPredatesServiceAccount("default", List.of("acme"), c));
  }

  private static HasMetadata replicaSet(String uid, boolean deleting) {
    return new ReplicaSetBuilder()
        .withNewMetadata()
        .withName("web-7f9")
        .withUid(uid)
        .withDeletionTimestamp(deleting ? "2026-11-29T10:00:00Z" : null)
        .endMetadata()
        .build();
  }

  private static Repair plan(Controller c, OwnerRead read) {
    return Repairs.plan(List.of(predates("p", c)), Map.of("team/p", "pod-uid"), (ns, x) -> read)
        .get(0);
  }

  @Test
  void deletesAPodOnlyWhenItsLiveControllerMakesANewOne() {
    assertThat(plan(RS, new OwnerRead(replicaSet("rs-1", false), false)))
        .isEqualTo(new Repair("team", "p", "pod-uid", Action.DELETE, RS, null));
    assertThat(plan(RS, new OwnerRead(replicaSet("rs-2", false), false)).detail())
        .as("a ReplicaSet of the same name made anew is not the Pod's controller")
        .isEqualTo("ReplicaSet web-7f9 no longer exists: nothing would make a new Pod");
    assertThat(plan(RS, new OwnerRead(null, false)).action()).isEqualTo(Action.LEAVE);
    assertThat(plan(RS, new OwnerRead(replicaSet("rs-1", true), false)).detail())
        .isEqualTo("ReplicaSet web-7f9 is being deleted: it makes no new Pod");
    assertThat(plan(RS, new OwnerRead(null, true)).detail())
        .isEqualTo(
            "ReplicaSet web-7f9 may not be read with these credentials, so doctor cannot tell"
                + " that it makes a new Pod: not deleted");
  }

  @Test
  void aFinishedJobMakesNoNewPod() {
    Controller job = new Controller("batch/v1", "Job", "migrate", "job-1");
    HasMetadata done =
        new JobBuilder()
            .withNewMetadata()
            .withName("migrate")
            .withUid("job-1")
            .endMetadata()
            .withNewStatus()
            .addNewCondition()
            .withType("Failed")
            .withStatus("True")
            .endCondition()
            .endStatus()
            .build();
    assertThat(plan(job, new OwnerRead(done, false)).detail())
        .isEqualTo("Job migrate has finished: it makes no new Pod");
    HasMetadata running =
        new JobBuilder()
            .withNewMetadata()
            .withName("migrate")
            .withUid("job-1")
            .endMetadata()
            .build();
    assertThat(plan(job, new OwnerRead(running, false)).action()).isEqualTo(Action.DELETE);
  }

  @Test
  void aPodWithoutControllerGetsTheCommandThatRecreatesIt() {
    assertThat(plan(null, null))
        .isEqualTo(
            new Repair(
                "team",
                "p",
                "pod-uid",
                Action.RECREATE_BY_HAND,
                null,
                "kubectl get pod -n team p -o yaml | kubectl replace --force -f -"));
  }

  @Test
  void otherControllersAreLeftToThemselves() {
    Controller custom = new Controller("example.com/v1", "Workflow", "nightly", "w-1");
    assertThat(plan(custom, null).detail())
        .isEqualTo(
            "its controller Workflow nightly (example.com/v1) is not one doctor knows to make a"
                + " new Pod (ReplicaSet, StatefulSet, DaemonSet, Job): recreate it through"
                + " Workflow nightly");
  }

  @Test
  void onlyPodsThatPredateTheirServiceAccountAreRepairedOncePerPod() {
    Finding other =
        new Finding(
            "team",
            "q",
            "app",
            "registry.acme.io/app:1",
            "ErrImagePull",
            null,
            new NoPullSecret("default", true, "registry.acme.io", List.of(), true));
    Finding init =
        new Finding(
            "team",
            "p",
            "init",
            "registry.acme.io/init:1",
            "ErrImagePull",
            null,
            new PodPredatesServiceAccount("default", List.of("acme"), RS));
    List<Repair> plan =
        Repairs.plan(
            List.of(other, predates("p", RS), init),
            Map.of("team/p", "pod-uid", "team/q", "q-uid"),
            (ns, c) -> new OwnerRead(replicaSet("rs-1", false), false));
    assertThat(plan).extracting(Repair::pod).containsExactly("p");
  }

  @Test
  void printsWhatFixDidOnePodALine() {
    List<Finding> findings = List.of(predates("web-7f9-a", RS), predates("bare", null));
    List<Done> done =
        List.of(
            new Done(
                new Repair("team", "web-7f9-a", "u1", Action.DELETE, RS, null),
                Outcome.DELETED,
                null),
            new Done(
                new Repair(
                    "team",
                    "bare",
                    "u2",
                    Action.RECREATE_BY_HAND,
                    null,
                    Repairs.recreateCommand("team", "bare")),
                null,
                null));
    String out =
        DoctorPrinter.print(
            "namespace team",
            findings,
            List.of(),
            List.of(),
            new DoctorPrinter.Fixes(done, false),
            Format.TABLE,
            false,
            Style.plain());
    assertThat(out)
        .isEqualTo(
            """
            Pod team/web-7f9-a, container app (ImagePullBackOff): PodPredatesServiceAccount
              image:   registry.acme.io/app:1
              why:     the Pod lists no imagePullSecrets, but its ServiceAccount default has acme now: the Pod was created before the ServiceAccount got them (the ServiceAccount admission plugin copies them into a Pod only when it is created)
              fix:     recreate the Pod: kubectl pullpolicy doctor -n team --fix deletes it and its ReplicaSet web-7f9 makes a new one (or kubectl delete pod -n team web-7f9-a)

            Pod team/bare, container app (ImagePullBackOff): PodPredatesServiceAccount
              image:   registry.acme.io/app:1
              why:     the Pod lists no imagePullSecrets, but its ServiceAccount default has acme now: the Pod was created before the ServiceAccount got them (the ServiceAccount admission plugin copies them into a Pod only when it is created)
              fix:     recreate the Pod (it has no controller): kubectl get pod -n team bare -o yaml | kubectl replace --force -f -

            --fix:
              deleted Pod team/web-7f9-a; ReplicaSet web-7f9 makes a new one
              not deleted: Pod team/bare has no controller; recreate it: kubectl get pod -n team bare -o yaml | kubectl replace --force -f -

            2 containers cannot pull, 0 ServiceAccounts without its entry.
            Deleted 1 Pod, 1 left.
            """);
  }

  @Test
  void aForbiddenDeleteIsOneErrorLine() {
    Done forbidden =
        new Done(
            new Repair("team", "web-7f9-a", "u1", Action.DELETE, RS, null),
            Outcome.FORBIDDEN,
            "pods \"web-7f9-a\" is forbidden: User \"viewer\" cannot delete resource \"pods\" in"
                + " API group \"\" in the namespace \"team\"");
    assertThat(DoctorPrinter.errorLine(forbidden))
        .isEqualTo(
            "cannot delete Pod team/web-7f9-a: pods \"web-7f9-a\" is forbidden: User \"viewer\""
                + " cannot delete resource \"pods\" in API group \"\" in the namespace \"team\"");
    String out =
        DoctorPrinter.print(
            "namespace team",
            List.of(predates("web-7f9-a", RS)),
            List.of(),
            List.of(),
            new DoctorPrinter.Fixes(List.of(forbidden), false),
            Format.TABLE,
            false,
            Style.plain());
    assertThat(out).doesNotContain("forbidden").endsWith("Deleted 0 Pods, 1 left.\n");
  }
}
