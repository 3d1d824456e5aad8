package org.springframework.cloud.context.environment;

import org.springframework.context.ApplicationEvent;

/**
 * A stand-in of Spring Cloud's event of the same name (which this project does not depend on),
 * for the test that the routes reload on it: the reloader matches the event by its class name.
 */
public class EnvironmentChangeEvent extends ApplicationEvent {
  private static final long serialVersionUID = 1L;

  public EnvironmentChangeEvent(Object source) {
    super(source);
  }
}
