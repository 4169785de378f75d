package main

import (
	"context"
	"errors"
	"io"
)

func cmdPlan(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("plan commands arrive with the importer")
}
