DROP TABLE staged_responses;
