package dev.pullpolicy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** How many ServiceAccounts are selected and carry the entry. */
public class ServiceAccountCounts {
  @JsonPropertyDescription("ServiceAccounts selected in the synced namespaces.")
  private int selected;

  @JsonPropertyDescription("Selected ServiceAccounts whose imagePullSecrets list the copy.")
  private int patched;

  public ServiceAccountCounts() {}

  public ServiceAccountCounts(int selected, int patched) {
    this.selected = selected;
    this.patched = patched;
  }

  public int getSelected() {
    return selected;
  }

  public void setSelected(int selected) {
    this.selected = selected;
  }

  public int getPatched() {
    return patched;
  }

  public void setPatched(int patched) {
    this.patched = patched;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ServiceAccountCounts c && selected == c.selected && patched == c.patched;
  }

  @Override
  public int hashCode() {
    return Objects.hash(selected, patched);
  }
}
