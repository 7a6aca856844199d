Feature: NPS survey (flows/nps_survey.flow)
  An operator calls a client of Uralenergo, asks for a score from 1 to 10,
  and the reason when the score is 8 or lower.

  Background:
    Given the flow "flows/nps_survey.flow"
      | client_name   | Иван Петров |
      | operator_name | Ольга       |
      | company       | ООО Ромашка |
      | inn           | 7701234567  |
      | office        | Самара      |
      | phone         | +79270000000 |

  Scenario: A promoter gives 10 and the survey is completed
    When the call is answered
    Then the caller hears "Иван Петров, добрый день"
    And the agent is asked "Вам удобно сейчас разговаривать?"
    When the client answers "да"
    Then the caller hears "время опроса займет не более 2-х минут"
    And the agent is asked "/по 10-ти бальной шкале/"
    When the client answers "10"
    Then the caller hears "Будем рады дальнейшему сотрудничеству"
    And the result "score" is 10
    And the result "reason" is not set
    And the outcome is "completed"
    And the call is over
