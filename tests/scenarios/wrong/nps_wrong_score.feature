Feature: A deliberately wrong scenario (kept out of tests/features)
  tests/scenarios/test_failure_messages.py runs it and checks that the failure
  names the flow step, the expectation and what happened.

  Scenario: The analyst expects the score the client did not give
    Given the flow "flows/nps_survey.flow"
      | client_name   | Иван  |
      | operator_name | Ольга |
    When the client answers "да"
    And the client answers "7"
    Then the result "score" is 8
