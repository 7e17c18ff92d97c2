package dev.pullpolicy.operator.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class DirtyNamespacesTest {

  @Test
  void aDrainTakesThePolicysMarksOnce() {
    DirtyNamespaces d = new DirtyNamespaces();
    d.mark(List.of("a", "b"), "ns-1");
    d.mark("a", "ns-2");
    d.mark("a", "ns-1");
    assertThat(d.drain("a")).containsExactlyInAnyOrder("ns-1", "ns-2");
    assertThat(d.drain("a")).isEmpty();
    assertThat(d.drain("b")).containsExactly("ns-1");
    assertThat(d.drain("c")).isEmpty();
  }

  @Test
  void aForgottenPolicyHasNoMarks() {
    DirtyNamespaces d = new DirtyNamespaces();
    d.mark("a", "ns-1");
    d.forget("a");
    assertThat(d.drain("a")).isEmpty();
  }

  @Test
  void noMarkIsLostWhileDrainsRun() throws Exception {
    DirtyNamespaces d = new DirtyNamespaces();
    int marks = 200_000;
    AtomicBoolean done = new AtomicBoolean();
    Thread marker =
        new Thread(
            () -> {
              for (int i = 0; i < marks; i++) {
                d.mark("a", "ns-" + i);
              }
              done.set(true);
            });
    Set<String> drained = new HashSet<>();
    marker.start();
    while (!done.get()) {
      drained.addAll(d.drain("a"));
    }
    marker.join();
    drained.addAll(d.drain("a"));
    assertThat(drained).hasSize(marks);
  }
}
