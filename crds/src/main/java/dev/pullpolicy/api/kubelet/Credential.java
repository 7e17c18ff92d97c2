package dev.pullpolicy.api.kubelet;

/**
 * The credential the kubelet hands to the container runtime for one registry: user name, password
 * and e-mail, after it decoded {@code auth}. Never printed: {@link #toString()} hides it. Values
 * are kept only so that tests can prove which credential is tried; no output shows them.
 */
public final class Credential {
  private final String username; // byte strings
  private final String password;
  private final String email;

  Credential(String username, String password, String email) {
    this.username = username;
    this.password = password;
    this.email = email;
  }

  public String username() {
    return GoText.text(username);
  }

  public String password() {
    return GoText.text(password);
  }

  public String email() {
    return GoText.text(email);
  }

  /** Whether it has neither user name nor password (the runtime then pulls anonymously). */
  public boolean isEmpty() {
    return username.isEmpty() && password.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Credential c
        && username.equals(c.username)
        && password.equals(c.password)
        && email.equals(c.email);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(username, password, email);
  }

  @Override
  public String toString() {
    return "Credential[hidden]";
  }
}
