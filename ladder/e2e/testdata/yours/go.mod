module example.com/yours

go 1.26
