package dev.pullpolicy.operator.config;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * The clock the operator reads time from (UTC); tests construct their collaborators with a fixed
 * one.
 */
public class Clocks {
  @Produces
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }
}
