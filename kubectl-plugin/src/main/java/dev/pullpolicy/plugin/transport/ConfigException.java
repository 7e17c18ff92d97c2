package dev.pullpolicy.plugin.transport;

/**
 * The connection cannot be set up from the kubeconfig and the flags: a missing file, an unknown
 * context, a certificate that does not parse. The message is one line for users.
 */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
